#ifndef GROW_CISAL_SHIM_H
#define GROW_CISAL_SHIM_H
// Intel's ISA-L, grow's gzip: level 1 about 5x as fast as zlib's level 1 (and 2x libdeflate's)
// with a slightly better ratio; its inflate reads the same streams. Its setup uses macros, a level buffer of a
// macro's size and a large state struct, which stay here behind small typed functions.
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdlib.h>

/// The gzip member of `in` written to `out` (`capacity` bytes; `grow_isal_gzip_bound` is
/// enough); its size, or 0 on failure.
static inline size_t grow_isal_gzip(const uint8_t *in, size_t size, uint8_t *out, size_t capacity, int level) {
    if (size > UINT32_MAX || capacity > UINT32_MAX) return 0;
    struct isal_zstream stream;
    uint32_t level_size = level == 0 ? 0 : level == 1 ? ISAL_DEF_LVL1_DEFAULT : level == 2 ? ISAL_DEF_LVL2_DEFAULT : ISAL_DEF_LVL3_DEFAULT;
    uint8_t *level_buffer = level_size ? malloc(level_size) : NULL;
    if (level_size && !level_buffer) return 0;
    isal_deflate_stateless_init(&stream);
    stream.gzip_flag = IGZIP_GZIP;
    stream.level = (uint32_t)level;
    stream.level_buf = level_buffer;
    stream.level_buf_size = level_size;
    stream.next_in = (uint8_t *)in;
    stream.avail_in = (uint32_t)size;
    stream.next_out = out;
    stream.avail_out = (uint32_t)capacity;
    stream.end_of_stream = 1;
    int status = isal_deflate_stateless(&stream);
    free(level_buffer);
    return status == COMP_OK ? stream.total_out : 0;
}

/// A gzip decompressor (ISA-L's inflate state), behind a pointer: the
/// state's tables stay out of Swift.
static inline void *grow_isal_inflater_new(void) {
    struct inflate_state *state = malloc(sizeof *state);
    if (state) {
        isal_inflate_init(state);
        state->crc_flag = ISAL_GZIP;
    }
    return state;
}

static inline void grow_isal_inflater_free(void *state) { free(state); }

/// Ready for the next gzip member.
static inline void grow_isal_inflater_reset(void *state) {
    isal_inflate_reset((struct inflate_state *)state);
    ((struct inflate_state *)state)->crc_flag = ISAL_GZIP;
}

/// Inflates from `in` into `out`: 1 when the member's end (trailer checked) was reached, 0 when
/// more is to come, ISA-L's negative error otherwise; what was consumed and produced either way.
static inline int grow_isal_inflate(void *opaque, const uint8_t *in, uint32_t in_size, uint8_t *out,
                                    uint32_t out_size, uint32_t *consumed, uint32_t *produced) {
    struct inflate_state *state = opaque;
    state->next_in = (uint8_t *)in;
    state->avail_in = in_size;
    state->next_out = out;
    state->avail_out = out_size;
    int status = isal_inflate(state);
    *consumed = in_size - state->avail_in;
    *produced = out_size - state->avail_out;
    if (status < 0) return status;
    return state->block_state == ISAL_BLOCK_FINISH ? 1 : 0;
}

/// Room for any member of `size` bytes: stored blocks at worst, plus header and trailer.
static inline size_t grow_isal_gzip_bound(size_t size) { return size + size / 16 + 1024; }
#endif
