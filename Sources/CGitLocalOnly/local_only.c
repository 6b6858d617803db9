// CommitCensus reads local repositories only: libgit2 never opens a network
// connection for it. Debian's libgit2 is built with mbedTLS, whose global
// initialisation (git_libgit2_init) parses the system's whole CA bundle —
// ~150 certificates decoded from base64 — which was a fifth of the CPU of a
// scan that finds nothing new (issue 19). Defining the two loaders here
// makes the dynamic linker bind libgit2's calls to them (a symbol of the
// executable comes before a library's) and leaves libgit2's CA chain empty:
// should a later version ever use libgit2's TLS, every certificate fails
// verification — it fails closed, never open. With a libgit2 built on
// OpenSSL these are simply never called.
//
// The signatures are mbedTLS 2.28's (mbedtls/x509_crt.h), written out so
// that no mbedTLS header is needed to build.

#include "census_local_only.h"

int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    (void)chain;
    (void)path;
    return 0;
}

int mbedtls_x509_crt_parse_path(void *chain, const char *path) {
    (void)chain;
    (void)path;
    return 0;
}

int census_local_only_linked(void) {
    return 1;
}
