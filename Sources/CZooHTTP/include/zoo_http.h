// One HTTP(S) GET through libcurl, which is opened at first use instead of linked.
//
// Why not URLSession: on Linux it is FoundationNetworking, which links libcurl and the ~40
// libraries under it into every zoo process; loading and relocating them took about 6 ms of
// each start (a static binary: 2 ms without it, 8 ms with it), while only a first download
// ever needs them.
#ifndef ZOO_HTTP_H
#define ZOO_HTTP_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What the transfer reports back, all on the calling thread. Each returns 0 to go on and
/// anything else to stop the transfer (which then ends with ZOO_HTTP_STOPPED).
typedef struct zoo_http_callbacks {
    void *context;
    /// One response header line as received (status lines included), with its line ending.
    int (*header)(void *context, const char *line, size_t length);
    /// The next bytes of the final response's body (bodies of followed redirects are skipped).
    int (*body)(void *context, const void *bytes, size_t length);
    /// Asked at least once a second while the transfer runs: stop (cancelled) or not.
    int (*should_stop)(void *context);
} zoo_http_callbacks;

typedef enum zoo_http_outcome {
    /// The whole response arrived.
    ZOO_HTTP_COMPLETE = 0,
    /// A callback asked to stop.
    ZOO_HTTP_STOPPED = 1,
    /// The connection closed before the length the response announced.
    ZOO_HTTP_CUT_SHORT = 2,
    /// Any other transport failure (refused, timed out, TLS, DNS): `error` says which.
    ZOO_HTTP_FAILED = 3,
    /// libcurl could not be opened: `error` says what to install.
    ZOO_HTTP_NO_LIBRARY = 4,
} zoo_http_outcome;

/// GETs `url` (http or https; redirects followed, to http(s) only), asking for the bytes from
/// `range_start` on when it is > 0. The transfer fails when connecting takes longer than
/// `idle_timeout_seconds` or no byte arrives for that long. `error` receives a one-line reason
/// (NUL-terminated, at most `error_size` bytes) for ZOO_HTTP_FAILED and ZOO_HTTP_NO_LIBRARY.
zoo_http_outcome zoo_http_get(const char *url, long long range_start, long idle_timeout_seconds,
                              const zoo_http_callbacks *callbacks, char *error, size_t error_size);

#ifdef __cplusplus
}
#endif

#endif
