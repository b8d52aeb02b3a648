#ifndef ZOO_CTIFF_SHIM_H
#define ZOO_CTIFF_SHIM_H
#include <tiffio.h>
#endif
