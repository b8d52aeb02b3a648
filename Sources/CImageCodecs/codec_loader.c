// Opening a codec library and saying why it cannot be used (see codec_loader.h).
#include "codec_loader.h"

void *zoo_codec_dlopen(const zoo_codec_library *library, zoo_codec_loader *loader) {
    for (const char *const *file = library->files; *file; file++) {
        void *handle = dlopen(*file, RTLD_NOW | RTLD_LOCAL);
        if (handle) {
            loader->file = *file;
            return handle;
        }
    }
    snprintf(loader->error, sizeof loader->error, "%s not found; install %s", library->name, library->package);
    return NULL;
}

void zoo_codec_lacks(zoo_codec_loader *loader, const zoo_codec_library *library, const char *function) {
    snprintf(loader->error, sizeof loader->error, "%s lacks %s, which zoo calls; install %s", loader->file, function,
             library->package);
}

int zoo_codec_require(int (*open)(char *error, size_t error_size), zoo_codec_error *error) {
    char reason[sizeof error->message];
    if (open(reason, sizeof reason)) return 1;
    if (error) {
        error->status = ZOO_CODEC_NO_LIBRARY;
        snprintf(error->message, sizeof error->message, "%s", reason);
    }
    return 0;
}
