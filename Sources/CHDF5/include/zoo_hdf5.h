// libhdf5 for ZooHDF5, opened at first use instead of linked.
//
// Why: Debian's libhdf5 links libcurl, OpenSSL, GnuTLS, Kerberos and LDAP (about 35 libraries)
// for its S3 driver; loading and relocating them took about 3.5 ms of every zoo process's start,
// while only a Keras file needs HDF5 (and zoo reads those in a child process). The functions
// hdf5.h declares and ZooHDF5 calls are defined in hdf5_loader.c, each forwarding to the same
// function of the library opened with dlopen; the headers only give the types.
#ifndef ZOO_HDF5_H
#define ZOO_HDF5_H

#if __has_include(<hdf5/serial/hdf5.h>)
#include <hdf5/serial/hdf5.h>  // Debian and Ubuntu
#else
#include <hdf5.h>
#endif
#include <stddef.h>

/// 1 when libhdf5 is open (opening it on the first call), else 0 with a one-line reason in
/// `error` (NUL-terminated, at most `error_size` bytes). Every function below and every
/// forwarded H5 call needs it to have returned 1 (a forwarded call without the library fails as
/// the library would: a negative or zero result).
int zoo_hdf5_open(char *error, size_t error_size);

// HDF5's type and property-list constants are macros over globals that only exist after
// H5open(); Swift cannot import them, so each one is exposed through a function.
hid_t zoo_h5t_native_float(void);
hid_t zoo_h5t_c_s1(void);
hid_t zoo_h5p_file_access(void);
hid_t zoo_h5e_nothdf5(void);
hid_t zoo_h5e_truncated(void);
static inline hid_t zoo_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t zoo_h5s_all(void) { return H5S_ALL; }
static inline unsigned zoo_h5f_acc_rdonly(void) { return 0x0000u; }  // H5F_ACC_RDONLY without H5check's call
static inline hid_t zoo_h5e_default(void) { return H5E_DEFAULT; }
static inline size_t zoo_h5t_variable(void) { return H5T_VARIABLE; }

/// Frees the strings H5Aread allocated for a variable-length string attribute
/// (H5Dvlen_reclaim was renamed H5Treclaim in 1.12).
herr_t zoo_h5_vlen_reclaim(hid_t type_id, hid_t space_id, void *buf);

/// 1 when `name` under `loc` is a hard link, 0 for a soft or external link, negative on error.
/// External links would make HDF5 open other files named by the file being read.
int zoo_h5l_is_hard(hid_t loc, const char *name);

#endif
