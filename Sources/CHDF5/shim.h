#ifndef ZOO_CHDF5_SHIM_H
#define ZOO_CHDF5_SHIM_H
#include <hdf5.h>

// HDF5's type and property-list constants are macros over globals that only exist after
// H5open(); Swift cannot import them, so each one is exposed through a small function.
static inline hid_t zoo_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t zoo_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t zoo_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t zoo_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t zoo_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t zoo_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t zoo_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t zoo_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t zoo_h5s_all(void) { return H5S_ALL; }
static inline unsigned zoo_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hid_t zoo_h5e_default(void) { return H5E_DEFAULT; }

#endif
