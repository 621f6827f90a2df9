#ifndef NEWSLETTER_CCURL_SHIM_H
#define NEWSLETTER_CCURL_SHIM_H

#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call:
   one typed wrapper per argument kind. */

static inline CURLcode newsletter_curl_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode newsletter_curl_setopt_string(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode newsletter_curl_setopt_ptr(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode newsletter_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode newsletter_curl_setopt_offt(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}

typedef size_t (*newsletter_curl_data_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
typedef int (*newsletter_curl_debug_callback)(CURL *h, curl_infotype type, char *data, size_t size, void *userdata);
typedef int (*newsletter_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode newsletter_curl_setopt_data_callback(CURL *h, CURLoption o, newsletter_curl_data_callback f) {
    return curl_easy_setopt(h, o, f);
}
static inline CURLcode newsletter_curl_setopt_debug_callback(CURL *h, newsletter_curl_debug_callback f) {
    return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, f);
}

static inline CURLcode newsletter_curl_setopt_xferinfo_callback(CURL *h, newsletter_curl_xferinfo_callback f) {
    return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f);
}

static inline CURLcode newsletter_curl_getinfo_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode newsletter_curl_getinfo_socket(CURL *h, CURLINFO i, curl_socket_t *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode newsletter_curl_getinfo_string(CURL *h, CURLINFO i, char **v) {
    return curl_easy_getinfo(h, i, v);
}

#endif
