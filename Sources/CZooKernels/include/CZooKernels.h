#ifndef CZOOKERNELS_H
#define CZOOKERNELS_H
#include "zoo_gemm.h"
#include "zoo_gemm_bf16.h"
#include "zoo_im2col_bf16.h"
#include "zoo_depthwise.h"
#include "zoo_winograd.h"
#include "zoo_pool.h"
#include "zoo_conv_direct.h"
#include "zoo_blas.h"
#include "zoo_cpu_count.h"
#endif
