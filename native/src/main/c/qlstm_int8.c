/*
 * qlstm native int8 kernel: acc[r][n] = sum_k ((x[r][k] & 0xFF) - zp) * w[n][k], exact in int32.
 *
 * Built by the Maven build (native/pom.xml) with the system C compiler as one shared library for any x86-64:
 * the AVX-512 and AVX2 functions carry per-function target attributes and Java calls only the ones that
 * qlstm_cpu_features() reports as supported.
 *
 * Weight layout (packed once by Java, 64-byte aligned off-heap): outputs padded to a multiple of 64 ("blocks"
 * of 4 panels of 16 outputs), inputs padded to kp = a multiple of 4 with zero weights. For block b, group
 * g = k/4, panel p, output lane j, byte i the weight w[64b + 16p + j][4g + i] sits at
 *     (((b * G + g) * 4 + p) * 16 + j) * 4 + i,   G = kp / 4,
 * i.e. each 64-byte vector is what vpdpbusd wants: 16 int32 lanes, each holding 4 consecutive k of one output.
 * Activations x are uint8, row stride kp, zero-padded (any value works: the padded weights are zero).
 *
 * Exactness: both paths compute S = sum_k x*w with x in [0,255] unsigned and w in [-128,127], then
 * acc = S - zp * colsum[n] with colsum[n] = sum_k w[n][k] precomputed at prepare. Every partial sum of S and
 * zp*colsum has magnitude <= 255*128*K, and so does the true result; for K <= 65,793
 * (Int8Matrix.MAX_INPUTS = floor((2^31-1)/(255*128))) all of them fit in int32, so nothing wraps and the
 * result equals the reference's. vpdpbusd (not vpdpbusds) adds 4 products to an int32 lane without saturation;
 * vpmaddwd adds 2 products of int16 (x in [0,255], w in [-128,127]: |pair| <= 65,280) without saturation
 * (it saturates only for two -32768*-32768 products). vpmaddubsw would saturate int16 pair sums: not used.
 */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define QLSTM_AVX2 1
#define QLSTM_VNNI 2

/* Bit 0: AVX2 usable; bit 1: AVX-512 F+BW+VNNI usable (libgcc checks the OS enables the register state). */
int qlstm_cpu_features(void) {
    __builtin_cpu_init();
    int f = 0;
    if (__builtin_cpu_supports("avx2")) f |= QLSTM_AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vnni")) f |= QLSTM_VNNI;
    return f;
}

/*
 * acc += vpdpbusd(x, w). gcc 12 compiles _mm512_dpbusd_epi32 into register copies and stack spills around every
 * instruction (its builtin is not destructive); inline asm with a read-write operand keeps the accumulators in
 * registers.
 */
#define DPBUSD(acc, xb, w) __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(xb), "vm"(w))

static inline int32_t load4(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* ---------------------------------------------------------------- AVX-512 VNNI ---------------------------- */

#define VNNI __attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline

/* Stores 16 accumulators of output columns n0..n0+15 (those < n) of one row, minus zp * colsum. */
VNNI void vnni_store(__m512i a, const int32_t *colsum, __m512i zpv, int32_t *out, int n0, int n) {
    if (n0 >= n) return;
    __m512i r = _mm512_sub_epi32(a, _mm512_mullo_epi32(zpv, _mm512_load_si512((const void *) (colsum + n0))));
    int valid = n - n0;
    __mmask16 m = valid >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << valid) - 1);
    _mm512_mask_storeu_epi32(out + n0, m, r);
}

/*
 * Rows r0..r0+count-1 (count 1..5) x one block (4 panels, 64 outputs): 20 accumulators + 4 weights + 1 broadcast
 * fit the 32 zmm registers. The accumulators are named variables (gcc keeps arrays of vectors in memory); with
 * fewer than 5 rows the last row is repeated and only count rows are stored.
 */
#define VNNI_ROW(i)                                                                                            \
    {                                                                                                          \
        __m512i xb = _mm512_set1_epi32(load4(x##i + 4 * g));                                                   \
        DPBUSD(a##i##0, xb, w0);                                                                               \
        DPBUSD(a##i##1, xb, w1);                                                                               \
        DPBUSD(a##i##2, xb, w2);                                                                               \
        DPBUSD(a##i##3, xb, w3);                                                                               \
    }
#define VNNI_STORE_ROW(i)                                                                                      \
    if (i < count) {                                                                                           \
        int32_t *o = acc + (long) i * n;                                                                       \
        vnni_store(a##i##0, colsum, zpv, o, n0, n);                                                            \
        vnni_store(a##i##1, colsum, zpv, o, n0 + 16, n);                                                       \
        vnni_store(a##i##2, colsum, zpv, o, n0 + 32, n);                                                       \
        vnni_store(a##i##3, colsum, zpv, o, n0 + 48, n);                                                       \
    }

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void vnni_tile5(
        const uint8_t *x, int count, int kp, const int8_t *wb, const int32_t *colsum, int zp, int32_t *acc, int n,
        int n0) {
    const int last = count - 1;
    const uint8_t *x0 = x, *x1 = x + (long) (1 < last ? 1 : last) * kp, *x2 = x + (long) (2 < last ? 2 : last) * kp,
                  *x3 = x + (long) (3 < last ? 3 : last) * kp, *x4 = x + (long) last * kp;
    __m512i z = _mm512_setzero_si512();
    __m512i a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z, a20 = z, a21 = z, a22 = z,
            a23 = z, a30 = z, a31 = z, a32 = z, a33 = z, a40 = z, a41 = z, a42 = z, a43 = z;
    const int groups = kp >> 2;
    for (int g = 0; g < groups; g++) {
        const int8_t *wg = wb + (long) g * 256;
        __m512i w0 = _mm512_load_si512((const void *) wg);
        __m512i w1 = _mm512_load_si512((const void *) (wg + 64));
        __m512i w2 = _mm512_load_si512((const void *) (wg + 128));
        __m512i w3 = _mm512_load_si512((const void *) (wg + 192));
        VNNI_ROW(0) VNNI_ROW(1) VNNI_ROW(2) VNNI_ROW(3) VNNI_ROW(4)
    }
    __m512i zpv = _mm512_set1_epi32(zp);
    VNNI_STORE_ROW(0) VNNI_STORE_ROW(1) VNNI_STORE_ROW(2) VNNI_STORE_ROW(3) VNNI_STORE_ROW(4)
}

/* One row, two blocks (8 panels, 128 outputs): 8 independent accumulator chains hide vpdpbusd's latency. */
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void vnni_gemv2(
        const uint8_t *x, int kp, const int8_t *wb0, const int8_t *wb1, const int32_t *colsum, int zp,
        int32_t *acc, int n, int n0) {
    __m512i a0 = _mm512_setzero_si512(), a1 = _mm512_setzero_si512(), a2 = _mm512_setzero_si512(),
            a3 = _mm512_setzero_si512(), a4 = _mm512_setzero_si512(), a5 = _mm512_setzero_si512(),
            a6 = _mm512_setzero_si512(), a7 = _mm512_setzero_si512();
    const int groups = kp >> 2;
    for (int g = 0; g < groups; g++) {
        __m512i xb = _mm512_set1_epi32(load4(x + 4 * g));
        const int8_t *u = wb0 + (long) g * 256, *v = wb1 + (long) g * 256;
        DPBUSD(a0, xb, _mm512_load_si512((const void *) u));
        DPBUSD(a1, xb, _mm512_load_si512((const void *) (u + 64)));
        DPBUSD(a2, xb, _mm512_load_si512((const void *) (u + 128)));
        DPBUSD(a3, xb, _mm512_load_si512((const void *) (u + 192)));
        DPBUSD(a4, xb, _mm512_load_si512((const void *) v));
        DPBUSD(a5, xb, _mm512_load_si512((const void *) (v + 64)));
        DPBUSD(a6, xb, _mm512_load_si512((const void *) (v + 128)));
        DPBUSD(a7, xb, _mm512_load_si512((const void *) (v + 192)));
    }
    __m512i zpv = _mm512_set1_epi32(zp);
    vnni_store(a0, colsum, zpv, acc, n0, n);
    vnni_store(a1, colsum, zpv, acc, n0 + 16, n);
    vnni_store(a2, colsum, zpv, acc, n0 + 32, n);
    vnni_store(a3, colsum, zpv, acc, n0 + 48, n);
    vnni_store(a4, colsum, zpv, acc, n0 + 64, n);
    vnni_store(a5, colsum, zpv, acc, n0 + 80, n);
    vnni_store(a6, colsum, zpv, acc, n0 + 96, n);
    vnni_store(a7, colsum, zpv, acc, n0 + 112, n);
}

/*
 * All rows, output blocks [b0, b1). x: rows x kp uint8; w: packed weights; colsum: sum of each output's weights
 * (padded to 64 * blocks); acc: rows x n int32, row-major.
 */
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void qlstm_vnni_gemm(
        const uint8_t *x, int rows, int kp, const int8_t *w, const int32_t *colsum, int zp, int32_t *acc, int n,
        int b0, int b1) {
    const long block_bytes = (long) kp * 64;
    if (rows == 1) {
        int b = b0;
        for (; b + 1 < b1; b += 2)
            vnni_gemv2(x, kp, w + b * block_bytes, w + (b + 1) * block_bytes, colsum, zp, acc, n, b * 64);
        if (b < b1) vnni_tile5(x, 1, kp, w + b * block_bytes, colsum, zp, acc, n, b * 64);
        return;
    }
    for (int b = b0; b < b1; b++) {
        const int8_t *wb = w + b * block_bytes;
        for (int r = 0; r < rows; r += 5) {
            int count = rows - r < 5 ? rows - r : 5;
            vnni_tile5(x + (long) r * kp, count, kp, wb, colsum, zp, acc + (long) r * n, n, b * 64);
        }
    }
}

/* ---------------------------------------------------------------- AVX2 ------------------------------------ */

/*
 * Same packed layout. 16 bytes of a 64-byte vector are 4 outputs x 4 k; sign-extended to 16 int16 and
 * multiplied by the activations' 4 k (zero-extended to int16, repeated 4 times) with vpmaddwd, they give
 * 8 int32 lanes: (out0: k0k1, out0: k2k3, out1: ..., out3: ...). Two such vectors are folded by vphaddd at the end.
 */

/* x4: the 4 activations of group g as int16, repeated over 256 bits. */
__attribute__((target("avx2"), always_inline)) static inline __m256i avx2_x4(const uint8_t *x) {
    __m128i b = _mm_cvtepu8_epi16(_mm_cvtsi32_si128(load4(x)));
    return _mm256_broadcastq_epi64(b);
}

__attribute__((target("avx2"), always_inline)) static inline __m256i avx2_w(const int8_t *p) {
    return _mm256_cvtepi8_epi16(_mm_load_si128((const __m128i *) p));
}

/* Folds pair sums of outputs n0..n0+3 (c0) and n0+4..n0+7 (c1), subtracts zp * colsum, stores those < n. */
__attribute__((target("avx2"), always_inline)) static inline void avx2_store(
        __m256i c0, __m256i c1, const int32_t *colsum, __m256i zpv, int32_t *out, int n0, int n) {
    if (n0 >= n) return;
    __m256i s = _mm256_permute4x64_epi64(_mm256_hadd_epi32(c0, c1), 0xD8);
    s = _mm256_sub_epi32(s, _mm256_mullo_epi32(zpv, _mm256_load_si256((const __m256i *) (colsum + n0))));
    if (n - n0 >= 8) {
        _mm256_storeu_si256((__m256i *) (out + n0), s);
    } else {
        int32_t tmp[8];
        _mm256_storeu_si256((__m256i *) tmp, s);
        for (int j = 0; j < n - n0; j++) out[n0 + j] = tmp[j];
    }
}

/*
 * Rows r0, r0+1 (count 1 or 2; with 1 the row is repeated) x one panel (16 outputs): 8 accumulators of pair sums
 * + 4 weights + 1 broadcast <= 16 ymm registers.
 */
__attribute__((target("avx2"))) static void avx2_tile2(const uint8_t *x, int count, int kp, const int8_t *wb,
        int p, const int32_t *colsum, int zp, int32_t *acc, int n, int n0) {
    const uint8_t *x0 = x, *x1 = x + (long) (count - 1) * kp;
    __m256i z = _mm256_setzero_si256();
    __m256i a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
    const int groups = kp >> 2;
    for (int g = 0; g < groups; g++) {
        const int8_t *wg = wb + (long) g * 256 + p * 64;
        __m256i w0 = avx2_w(wg), w1 = avx2_w(wg + 16), w2 = avx2_w(wg + 32), w3 = avx2_w(wg + 48);
        __m256i xb = avx2_x4(x0 + 4 * g);
        a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(xb, w0));
        a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(xb, w1));
        a02 = _mm256_add_epi32(a02, _mm256_madd_epi16(xb, w2));
        a03 = _mm256_add_epi32(a03, _mm256_madd_epi16(xb, w3));
        xb = avx2_x4(x1 + 4 * g);
        a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(xb, w0));
        a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(xb, w1));
        a12 = _mm256_add_epi32(a12, _mm256_madd_epi16(xb, w2));
        a13 = _mm256_add_epi32(a13, _mm256_madd_epi16(xb, w3));
    }
    __m256i zpv = _mm256_set1_epi32(zp);
    avx2_store(a00, a01, colsum, zpv, acc, n0, n);
    avx2_store(a02, a03, colsum, zpv, acc, n0 + 8, n);
    if (count > 1) {
        avx2_store(a10, a11, colsum, zpv, acc + n, n0, n);
        avx2_store(a12, a13, colsum, zpv, acc + n, n0 + 8, n);
    }
}

/* All rows, output blocks [b0, b1); the same contract as qlstm_vnni_gemm. */
__attribute__((target("avx2"))) void qlstm_avx2_gemm(
        const uint8_t *x, int rows, int kp, const int8_t *w, const int32_t *colsum, int zp, int32_t *acc, int n,
        int b0, int b1) {
    const long block_bytes = (long) kp * 64;
    for (int b = b0; b < b1; b++) {
        const int8_t *wb = w + b * block_bytes;
        for (int p = 0; p < 4; p++) {
            int n0 = b * 64 + p * 16;
            if (n0 >= n) break;
            for (int r = 0; r < rows; r += 2) {
                int count = rows - r < 2 ? rows - r : 2;
                avx2_tile2(x + (long) r * kp, count, kp, wb, p, colsum, zp, acc + (long) r * n, n, n0);
            }
        }
    }
}
