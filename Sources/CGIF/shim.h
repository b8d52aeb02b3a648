#ifndef ZOO_CGIF_SHIM_H
#define ZOO_CGIF_SHIM_H
#include <gif_lib.h>
#endif
