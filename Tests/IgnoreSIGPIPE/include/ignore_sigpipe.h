#ifndef CENSUS_IGNORE_SIGPIPE_H
#define CENSUS_IGNORE_SIGPIPE_H

// True when SIGPIPE is ignored in this process (see ignore_sigpipe.c).
int census_tests_sigpipe_ignored(void);

#endif
