#ifndef CENSUS_DEFLATE_H
#define CENSUS_DEFLATE_H

#include <libdeflate.h>

#endif
