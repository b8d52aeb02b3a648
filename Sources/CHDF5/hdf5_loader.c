// The libhdf5 functions ZooHDF5 calls, forwarded to the library opened at first use (see
// zoo_hdf5.h for why it is not linked). hdf5.h declares each of them: a forwarder whose
// signature drifted from the header would not compile.
#include "zoo_hdf5.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// A name after macro expansion: hdf5.h maps some names to versioned ones (H5Gopen to H5Gopen2).
#define SYMBOL(name) SYMBOL_TEXT(name)
#define SYMBOL_TEXT(name) #name

// Each forwarded function: return type, name, parameters, arguments, and what it returns
// without the library (the library's own failure value for it).
#define ZOO_HDF5_FUNCTIONS(X)                                                                                  \
    X(herr_t, H5open, (void), (), -1)                                                                          \
    X(herr_t, H5get_libversion, (unsigned *major, unsigned *minor, unsigned *release), (major, minor, release), -1) \
    X(herr_t, H5Eset_auto2, (hid_t stack, H5E_auto2_t function, void *data), (stack, function, data), -1)      \
    X(herr_t, H5Eclear2, (hid_t stack), (stack), -1)                                                            \
    X(herr_t, H5Ewalk2, (hid_t stack, H5E_direction_t direction, H5E_walk2_t function, void *data),            \
      (stack, direction, function, data), -1)                                                                   \
    X(htri_t, H5Fis_hdf5, (const char *name), (name), -1)                                                      \
    X(hid_t, H5Fopen, (const char *name, unsigned flags, hid_t access), (name, flags, access), -1)             \
    X(herr_t, H5Fclose, (hid_t file), (file), -1)                                                               \
    X(hid_t, H5Fget_create_plist, (hid_t file), (file), -1)                                                     \
    X(hid_t, H5Gopen2, (hid_t location, const char *name, hid_t access), (location, name, access), -1)         \
    X(herr_t, H5Gclose, (hid_t group), (group), -1)                                                             \
    X(herr_t, H5Gget_info, (hid_t location, H5G_info_t *info), (location, info), -1)                           \
    X(hid_t, H5Oopen, (hid_t location, const char *name, hid_t access), (location, name, access), -1)          \
    X(herr_t, H5Oclose, (hid_t object), (object), -1)                                                           \
    X(H5I_type_t, H5Iget_type, (hid_t id), (id), H5I_BADID)                                                    \
    X(htri_t, H5Lexists, (hid_t location, const char *name, hid_t access), (location, name, access), -1)       \
    X(herr_t, H5Lget_info, (hid_t location, const char *name, H5L_info_t *info, hid_t access),                 \
      (location, name, info, access), -1)                                                                       \
    X(ssize_t, H5Lget_name_by_idx,                                                                              \
      (hid_t location, const char *group, H5_index_t index, H5_iter_order_t order, hsize_t n, char *name,      \
       size_t size, hid_t access),                                                                              \
      (location, group, index, order, n, name, size, access), -1)                                              \
    X(htri_t, H5Aexists_by_name, (hid_t object, const char *name, const char *attribute, hid_t access),        \
      (object, name, attribute, access), -1)                                                                    \
    X(hid_t, H5Aopen_by_name, (hid_t location, const char *name, const char *attribute, hid_t aapl, hid_t lapl), \
      (location, name, attribute, aapl, lapl), -1)                                                              \
    X(hid_t, H5Aget_space, (hid_t attribute), (attribute), -1)                                                  \
    X(hid_t, H5Aget_type, (hid_t attribute), (attribute), -1)                                                   \
    X(herr_t, H5Aread, (hid_t attribute, hid_t type, void *buffer), (attribute, type, buffer), -1)             \
    X(herr_t, H5Aclose, (hid_t attribute), (attribute), -1)                                                     \
    X(hid_t, H5Dopen2, (hid_t location, const char *name, hid_t access), (location, name, access), -1)         \
    X(hid_t, H5Dget_space, (hid_t dataset), (dataset), -1)                                                      \
    X(hid_t, H5Dget_type, (hid_t dataset), (dataset), -1)                                                       \
    X(hid_t, H5Dget_create_plist, (hid_t dataset), (dataset), -1)                                               \
    X(hsize_t, H5Dget_storage_size, (hid_t dataset), (dataset), 0)                                              \
    X(herr_t, H5Dread, (hid_t dataset, hid_t memory_type, hid_t memory_space, hid_t file_space, hid_t transfer, void *buffer), \
      (dataset, memory_type, memory_space, file_space, transfer, buffer), -1)                                  \
    X(herr_t, H5Dvlen_reclaim, (hid_t type, hid_t space, hid_t transfer, void *buffer), (type, space, transfer, buffer), -1) \
    X(herr_t, H5Dclose, (hid_t dataset), (dataset), -1)                                                         \
    X(hid_t, H5Pcreate, (hid_t class_id), (class_id), -1)                                                       \
    X(herr_t, H5Pclose, (hid_t list), (list), -1)                                                               \
    X(int, H5Pget_nfilters, (hid_t list), (list), -1)                                                           \
    X(herr_t, H5Pget_sizes, (hid_t list, size_t *address_size, size_t *length_size), (list, address_size, length_size), -1) \
    X(herr_t, H5Pset_fapl_core, (hid_t list, size_t increment, hbool_t backing_store), (list, increment, backing_store), -1) \
    X(herr_t, H5Pset_file_image, (hid_t list, void *buffer, size_t length), (list, buffer, length), -1)        \
    X(int, H5Sget_simple_extent_ndims, (hid_t space), (space), -1)                                              \
    X(int, H5Sget_simple_extent_dims, (hid_t space, hsize_t dims[], hsize_t max_dims[]), (space, dims, max_dims), -1) \
    X(hssize_t, H5Sget_simple_extent_npoints, (hid_t space), (space), -1)                                       \
    X(H5S_class_t, H5Sget_simple_extent_type, (hid_t space), (space), H5S_NO_CLASS)                            \
    X(herr_t, H5Sclose, (hid_t space), (space), -1)                                                             \
    X(hid_t, H5Tcopy, (hid_t type), (type), -1)                                                                 \
    X(H5T_class_t, H5Tget_class, (hid_t type), (type), H5T_NO_CLASS)                                           \
    X(H5T_cset_t, H5Tget_cset, (hid_t type), (type), H5T_CSET_ERROR)                                           \
    X(size_t, H5Tget_size, (hid_t type), (type), 0)                                                             \
    X(H5T_str_t, H5Tget_strpad, (hid_t type), (type), H5T_STR_ERROR)                                           \
    X(htri_t, H5Tis_variable_str, (hid_t type), (type), -1)                                                     \
    X(herr_t, H5Tset_cset, (hid_t type, H5T_cset_t set), (type, set), -1)                                      \
    X(herr_t, H5Tset_size, (hid_t type, size_t size), (type, size), -1)                                        \
    X(herr_t, H5Tclose, (hid_t type), (type), -1)

// The library's globals behind the constant macros, read once H5open has run.
#define ZOO_HDF5_GLOBALS(X) \
    X(H5T_NATIVE_FLOAT_g)   \
    X(H5T_C_S1_g)           \
    X(H5P_CLS_FILE_ACCESS_ID_g) \
    X(H5E_NOTHDF5_g)        \
    X(H5E_TRUNCATED_g)

static struct {
    pthread_once_t once;
    int ready;
    char error[256];
#define POINTER(type, name, params, args, fallback) type(*name) params;
    ZOO_HDF5_FUNCTIONS(POINTER)
#undef POINTER
#define GLOBAL(name) hid_t *name;
    ZOO_HDF5_GLOBALS(GLOBAL)
#undef GLOBAL
} hdf5 = {.once = PTHREAD_ONCE_INIT};

static void open_hdf5(void) {
    // The runtime library must be the release series the headers describe: struct layouts
    // (H5L_info_t, H5O_info_t) changed between 1.10 and 1.12.
    // Debian's and Ubuntu's 1.10 and 1.14 builds, an unversioned development link, Homebrew's.
    const char *names[] = {"libhdf5_serial.so.103", "libhdf5_serial.so.310", "libhdf5_serial.so", "libhdf5.so",
                           "libhdf5.dylib", "/opt/homebrew/lib/libhdf5.dylib", "/usr/local/lib/libhdf5.dylib"};
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !library; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!library) {
        snprintf(hdf5.error, sizeof hdf5.error,
                 "not found; install it (Debian: libhdf5-103-1)");
        return;
    }
    int missing = 0;
#define LOOK_UP(type, name, params, args, fallback) \
    if (!(hdf5.name = (type(*) params)dlsym(library, SYMBOL(name)))) missing = 1;
    ZOO_HDF5_FUNCTIONS(LOOK_UP)
#undef LOOK_UP
#define LOOK_UP_GLOBAL(name) \
    if (!(hdf5.name = (hid_t *)dlsym(library, SYMBOL(name)))) missing = 1;
    ZOO_HDF5_GLOBALS(LOOK_UP_GLOBAL)
#undef LOOK_UP_GLOBAL
    if (missing) {
        snprintf(hdf5.error, sizeof hdf5.error, "the library found lacks functions zoo calls (built for %d.%d)",
                 H5_VERS_MAJOR, H5_VERS_MINOR);
        return;
    }
    unsigned major = 0, minor = 0, release = 0;
    if (hdf5.H5get_libversion(&major, &minor, &release) < 0 || major != H5_VERS_MAJOR || minor != H5_VERS_MINOR) {
        snprintf(hdf5.error, sizeof hdf5.error, "version %u.%u.%u found; zoo was built for %d.%d", major, minor,
                 release, H5_VERS_MAJOR, H5_VERS_MINOR);
        return;
    }
    if (hdf5.H5open() < 0) {
        snprintf(hdf5.error, sizeof hdf5.error, "did not start (H5open failed)");
        return;
    }
    hdf5.ready = 1;
}

int zoo_hdf5_open(char *error, size_t error_size) {
    pthread_once(&hdf5.once, open_hdf5);
    if (!hdf5.ready && error_size > 0) snprintf(error, error_size, "%s", hdf5.error);
    return hdf5.ready;
}

static int ready(void) {
    pthread_once(&hdf5.once, open_hdf5);
    return hdf5.ready;
}

#define FORWARD(type, name, params, args, fallback) \
    type name params { return ready() ? hdf5.name args : (fallback); }
ZOO_HDF5_FUNCTIONS(FORWARD)
#undef FORWARD

hid_t zoo_h5t_native_float(void) { return ready() ? *hdf5.H5T_NATIVE_FLOAT_g : -1; }
hid_t zoo_h5t_c_s1(void) { return ready() ? *hdf5.H5T_C_S1_g : -1; }
hid_t zoo_h5p_file_access(void) { return ready() ? *hdf5.H5P_CLS_FILE_ACCESS_ID_g : -1; }
hid_t zoo_h5e_nothdf5(void) { return ready() ? *hdf5.H5E_NOTHDF5_g : -1; }
hid_t zoo_h5e_truncated(void) { return ready() ? *hdf5.H5E_TRUNCATED_g : -1; }

herr_t zoo_h5_vlen_reclaim(hid_t type_id, hid_t space_id, void *buf) {
    return H5Dvlen_reclaim(type_id, space_id, H5P_DEFAULT, buf);
}

int zoo_h5l_is_hard(hid_t loc, const char *name) {
    H5L_info_t info;
    if (H5Lget_info(loc, name, &info, H5P_DEFAULT) < 0) return -1;
    return info.type == H5L_TYPE_HARD ? 1 : 0;
}
