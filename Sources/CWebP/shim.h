#ifndef ZOO_CWEBP_SHIM_H
#define ZOO_CWEBP_SHIM_H
#include <webp/decode.h>
#include <webp/demux.h>
#endif
