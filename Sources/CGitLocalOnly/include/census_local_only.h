#ifndef CENSUS_LOCAL_ONLY_H
#define CENSUS_LOCAL_ONLY_H

// See local_only.c: libgit2's CA-bundle loaders replaced for a program that
// reads local repositories only. True when this object is in the program.
int census_local_only_linked(void);

#endif
