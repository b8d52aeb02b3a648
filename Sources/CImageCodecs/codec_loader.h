// What the five codec loaders (jpeg_loader.c, png_loader.c, webp_loader.c, tiff_loader.c,
// gif_loader.c) share; CImageCodecs.h says why the libraries are opened at first use.
//
// Each loader lists the functions the decoders call as an X-macro, X(type, name, parameters,
// arguments, fallback) for one that returns a value and V(name, parameters, arguments) for a
// void one, and keeps the pointers in a static struct named `library`: the macros below,
// expanded in a loader's file, refer to that file's struct. A forwarder has the library's own
// name and signature, so the library's header checks it. Its fallback (the library's own
// failure value) is never reached in practice: every decoder opens its library before any call.
#ifndef ZOO_CODEC_LOADER_H
#define ZOO_CODEC_LOADER_H

#include "CImageCodecs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

/// Where to look for a library, and what to install when it is not there.
typedef struct {
    const char *name;         // "libjpeg", for messages
    const char *package;      // what provides it: the Debian package, on macOS the Homebrew formula
    const char *const *files; // sonames and paths, tried in order; NULL-terminated
} zoo_codec_library;

/// One loader's state: opened once, the file that was opened, the reason it is not usable.
typedef struct {
    pthread_once_t once;
    int ready;
    const char *file;
    char error[sizeof(((zoo_codec_error *)0)->message)];
} zoo_codec_loader;

/// Opens the first of `library->files` that loads (RTLD_LOCAL: its symbols stay out of the
/// process's global scope) and notes it in `loader->file`. When none loads: NULL, and
/// "<name> not found; install <package>" in `loader->error`.
void *zoo_codec_dlopen(const zoo_codec_library *library, zoo_codec_loader *loader);

/// Sets `loader->error` to "<file> lacks <function>, which zoo calls; install <package>".
void zoo_codec_lacks(zoo_codec_loader *loader, const zoo_codec_library *library, const char *function);

/// 1 when the library `open` opens is usable; else 0, with its reason and ZOO_CODEC_NO_LIBRARY
/// in `error` (which may be NULL). What each decoder asks before its first library call.
int zoo_codec_require(int (*open)(char *error, size_t error_size), zoo_codec_error *error);

#define ZOO_POINTER(type, name, params, args, fallback) type(*name) params;
#define ZOO_VOID_POINTER(name, params, args) void(*name) params;

// Defines `static int find_<name>(const zoo_codec_library *description)`: opens the library and
// looks up every function FUNCTIONS lists into the file's `library`; 1 when all were found, else 0
// with the reason in `library.loader.error`. Each loader's open_library() starts with it.
#define ZOO_CODEC_FINDER(name, FUNCTIONS)                                     \
    static int find_##name(const zoo_codec_library *description) {           \
        void *handle = zoo_codec_dlopen(description, &library.loader);        \
        if (!handle) return 0;                                                \
        const char *missing = NULL;                                           \
        FUNCTIONS(ZOO_LOOK_UP, ZOO_VOID_LOOK_UP)                              \
        if (missing) zoo_codec_lacks(&library.loader, description, missing); \
        return missing == NULL;                                               \
    }

// Inside ZOO_CODEC_FINDER's function, with its locals `handle` and `missing` (the first function
// not found). The indirection stringizes the name after macro expansion.
#define ZOO_LOOK_UP(type, name, params, args, fallback) ZOO_FIND(name, type(*) params)
#define ZOO_VOID_LOOK_UP(name, params, args) ZOO_FIND(name, void(*) params)
#define ZOO_FIND(name, pointer)                                          \
    if (!(library.name = (pointer)dlsym(handle, #name)) && !missing) { \
        missing = #name;                                                 \
    }

#define ZOO_FORWARD(type, name, params, args, fallback) \
    type name params { return ready() ? library.name args : (fallback); }
#define ZOO_VOID_FORWARD(name, params, args) \
    void name params {                      \
        if (ready()) library.name args;     \
    }

// `ready()` for the forwarders and the public `int open_name(char *error, size_t error_size)`,
// both running the file's `open_library()` once.
#define ZOO_CODEC_OPEN_FUNCTIONS(open_name)                                                        \
    static int ready(void) {                                                                       \
        pthread_once(&library.loader.once, open_library);                                          \
        return library.loader.ready;                                                               \
    }                                                                                              \
    int open_name(char *error, size_t error_size) {                                                \
        if (!ready() && error_size > 0) snprintf(error, error_size, "%s", library.loader.error);   \
        return library.loader.ready;                                                               \
    }

#endif
