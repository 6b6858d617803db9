// Linked into the test process: a test that writes to a pipe or socket its
// peer has closed (a subprocess that exited early, a server that dropped a
// connection) must fail that test, not kill the whole run with SIGPIPE
// (CI saw "exited with unexpected signal code 13" once). Set before any test
// starts, as a process-wide setting must be.

#include <signal.h>
#include <stddef.h>
#include "ignore_sigpipe.h"

__attribute__((constructor)) static void census_tests_ignore_sigpipe(void) {
    signal(SIGPIPE, SIG_IGN);
}

int census_tests_sigpipe_ignored(void) {
    struct sigaction current;
    return sigaction(SIGPIPE, NULL, &current) == 0 && current.sa_handler == SIG_IGN;
}
