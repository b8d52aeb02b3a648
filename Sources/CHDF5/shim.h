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

// Minor error codes the wrapper maps to its own error kinds.
static inline hid_t zoo_h5e_nothdf5(void) { return H5E_NOTHDF5; }
static inline hid_t zoo_h5e_truncated(void) { return H5E_TRUNCATED; }
static inline size_t zoo_h5t_variable(void) { return H5T_VARIABLE; }

// Frees the strings H5Aread allocated for a variable-length string attribute
// (H5Dvlen_reclaim was renamed H5Treclaim in 1.12).
static inline herr_t zoo_h5_vlen_reclaim(hid_t type_id, hid_t space_id, void *buf) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(type_id, space_id, H5P_DEFAULT, buf);
#else
    return H5Dvlen_reclaim(type_id, space_id, H5P_DEFAULT, buf);
#endif
}

// 1 when `name` under `loc` is a hard link, 0 for a soft or external link, negative on error.
// External links would make HDF5 open other files named by the file being read.
static inline int zoo_h5l_is_hard(hid_t loc, const char *name) {
    H5L_info_t info;
    if (H5Lget_info(loc, name, &info, H5P_DEFAULT) < 0) return -1;
    return info.type == H5L_TYPE_HARD ? 1 : 0;
}

#endif
