#ifndef CENSUS_CLIBGIT2_SHIM_H
#define CENSUS_CLIBGIT2_SHIM_H

#include <git2.h>

// git_libgit2_opts is variadic, which Swift cannot call; these wrappers expose
// the few options CommitCensus sets, each with a fixed signature.

// Repositories on a shared machine often belong to other users; a collector that
// only reads history must not refuse them (libgit2 >= 1.5 checks ownership).
static inline int census_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

// The object cache pays off when the same objects are read again (tree diffs for
// line stats); a pure commit walk reads each commit once.
static inline int census_git_enable_caching(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_CACHING, enabled);
}

// Skipping hash verification of objects read from the ODB is safe for a reader
// and saves one SHA-1 per object.
static inline int census_git_enable_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

// A scan reads each commit once: caching parsed commits (up to 4 KiB each by
// default) would only hold the whole history in memory.
static inline int census_git_set_commit_cache_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, bytes);
}

// Where libgit2 looks for global and XDG configuration: a collector running
// under a service user whose HOME it cannot read clears them, or every
// repository would fail to open ("failed to stat '/root/.gitconfig'").
static inline int census_git_set_search_path(git_config_level_t level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

// Pack files are read through mmap windows (1 GiB each, up to 8 GiB mapped by
// default); every page a walk touches stays resident. Smaller windows under a
// limit let libgit2 unmap the ones it is done with.
static inline int census_git_set_mwindow(size_t window_size, size_t mapped_limit) {
    int error = git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, window_size);
    return error ? error : git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, mapped_limit);
}

#endif
