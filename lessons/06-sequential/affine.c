/* affine.c - affine maps, their composition, and the sequential scan (affine.h). */
#include "affine.h"

#include <stddef.h>

struct affine affine_identity(void)
{
    return (struct affine){ 1, 0 };
}

struct affine affine_then(struct affine first, struct affine second)
{
    /* second(first(x)) = a2*(a1*x + b1) + b2 = (a2*a1)*x + (a2*b1 + b2) */
    return (struct affine){ second.a * first.a, second.a * first.b + second.b };
}

uint64_t affine_apply(struct affine map, uint64_t x)
{
    return map.a * x + map.b;
}

struct affine maps_from_array(const void *source, long k)
{
    const struct affine *maps = source;
    return maps[k];
}

/* splitmix64's finaliser: spreads every bit of z over the whole result. */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

struct affine maps_generated(const void *source, long k)
{
    uint64_t seed = *(const uint64_t *)source;
    uint64_t z = seed + (uint64_t)k * UINT64_C(0x9e3779b97f4a7c15);
    return (struct affine){ mix(z), mix(z ^ UINT64_C(0x5851f42d4c957f2d)) };
}

struct affine chunk_summary(const struct linear_recurrence *r, long begin, long end)
{
    struct affine summary = affine_identity();
    for (long k = begin; k < end; k++)
        summary = affine_then(summary, r->map(r->source, k));
    return summary;
}

struct scan_result scan_range(const struct linear_recurrence *r, long begin, long end,
                              uint64_t start, uint64_t *out)
{
    uint64_t x = start, sum = 0;
    for (long k = begin; k < end; k++) {
        x = affine_apply(r->map(r->source, k), x);
        sum += x;
        if (out != NULL)
            out[k] = x;
    }
    return (struct scan_result){ x, sum };
}

struct scan_result scan_sequential(const struct linear_recurrence *r, uint64_t *out)
{
    return scan_range(r, 0, r->n, r->x0, out);
}
