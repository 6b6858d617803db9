#ifndef CENSUS_SQLITE_OPTIONS_H
#define CENSUS_SQLITE_OPTIONS_H

// sqlite3_config is variadic, so Swift cannot call it. It is declared here
// rather than taken from sqlite3.h, so that this module does not export
// SQLite's API a second time next to GRDBSQLite's.
extern int sqlite3_config(int option, ...);

// SQLITE_CONFIG_MEMSTATUS (9) off: SQLite then keeps no allocation
// statistics, and its every allocation stops taking a process-wide mutex.
// Only effective before SQLite initialises (before the first connection).
static inline int census_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(9, 0);
}

#endif
