// zoo_http_get over a libcurl opened with dlopen (see zoo_http.h for why it is not linked).
#include "zoo_http.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// The libcurl entry points we call, looked up once. Only curl.h's types and option numbers are
// used at build time; the calls go through these pointers.
static struct {
    pthread_once_t once;
    int ready;
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *handle);
    void (*easy_cleanup)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
} curl = {.once = PTHREAD_ONCE_INIT};

static void open_curl(void) {
#if defined(__APPLE__)
    const char *names[] = {"/usr/lib/libcurl.4.dylib", "libcurl.4.dylib"};
#else
    const char *names[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};
#endif
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !library; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!library) return;
    curl.global_init = (CURLcode (*)(long))dlsym(library, "curl_global_init");
    curl.easy_init = (CURL * (*)(void)) dlsym(library, "curl_easy_init");
    curl.easy_setopt = (CURLcode (*)(CURL *, CURLoption, ...))dlsym(library, "curl_easy_setopt");
    curl.easy_perform = (CURLcode (*)(CURL *))dlsym(library, "curl_easy_perform");
    curl.easy_cleanup = (void (*)(CURL *))dlsym(library, "curl_easy_cleanup");
    curl.easy_strerror = (const char *(*)(CURLcode))dlsym(library, "curl_easy_strerror");
    if (!curl.global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_cleanup ||
        !curl.easy_strerror) {
        return;
    }
    // Not thread-safe in older libcurls, hence here, once, before any handle exists.
    curl.ready = curl.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

typedef struct transfer {
    const zoo_http_callbacks *callbacks;
    int stopped;  // a callback asked to stop
} transfer;

static size_t on_header(char *line, size_t size, size_t count, void *context) {
    transfer *t = context;
    size_t length = size * count;
    if (t->callbacks->header(t->callbacks->context, line, length) != 0) {
        t->stopped = 1;
        return 0;  // anything but `length` aborts the transfer
    }
    return length;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *context) {
    transfer *t = context;
    size_t length = size * count;
    if (t->callbacks->body(t->callbacks->context, bytes, length) != 0) {
        t->stopped = 1;
        return 0;
    }
    return length;
}

static int on_progress(void *context, curl_off_t total_down, curl_off_t now_down, curl_off_t total_up,
                       curl_off_t now_up) {
    (void)total_down, (void)now_down, (void)total_up, (void)now_up;
    transfer *t = context;
    if (t->callbacks->should_stop(t->callbacks->context) != 0) {
        t->stopped = 1;
        return 1;
    }
    return 0;
}

static void say(char *error, size_t error_size, const char *text) {
    if (error_size > 0) snprintf(error, error_size, "%s", text);
}

zoo_http_outcome zoo_http_get(const char *url, long long range_start, long idle_timeout_seconds,
                              const zoo_http_callbacks *callbacks, char *error, size_t error_size) {
    pthread_once(&curl.once, open_curl);
    if (!curl.ready) {
        say(error, error_size, "libcurl (libcurl.so.4) could not be opened; install it (Debian: libcurl4)");
        return ZOO_HTTP_NO_LIBRARY;
    }
    CURL *handle = curl.easy_init();
    if (!handle) {
        say(error, error_size, "libcurl could not start a transfer");
        return ZOO_HTTP_FAILED;
    }
    transfer t = {.callbacks = callbacks, .stopped = 0};
    char detail[CURL_ERROR_SIZE] = "";
    char range[32] = "";
    long timeout = idle_timeout_seconds > 0 ? idle_timeout_seconds : 1;

    curl.easy_setopt(handle, CURLOPT_URL, url);
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, detail);
    // Signals and threads do not mix: no SIGALRM for DNS timeouts, no SIGPIPE.
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
    curl.easy_setopt(handle, CURLOPT_MAXREDIRS, 10L);
    // A mirror or a redirect must not turn the fetch into file://, ftp:// or anything else.
    if (curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        curl.easy_setopt(handle, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    if (curl.easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        curl.easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    curl.easy_setopt(handle, CURLOPT_USERAGENT, "zoo");
    curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, timeout);
    // An idle limit, not a total one: a slow but steady download of a big file is fine.
    curl.easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl.easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, timeout);
    if (range_start > 0) {
        snprintf(range, sizeof range, "%lld-", range_start);
        curl.easy_setopt(handle, CURLOPT_RANGE, range);
    }
    curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(handle, CURLOPT_HEADERDATA, &t);
    curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(handle, CURLOPT_WRITEDATA, &t);
    curl.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl.easy_setopt(handle, CURLOPT_XFERINFODATA, &t);
    curl.easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);

    CURLcode code = curl.easy_perform(handle);
    curl.easy_cleanup(handle);
    if (t.stopped) return ZOO_HTTP_STOPPED;
    switch (code) {
    case CURLE_OK: return ZOO_HTTP_COMPLETE;
    case CURLE_PARTIAL_FILE: return ZOO_HTTP_CUT_SHORT;
    default:
        say(error, error_size, detail[0] ? detail : curl.easy_strerror(code));
        return ZOO_HTTP_FAILED;
    }
}
