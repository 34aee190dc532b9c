/*
 * The practical ceiling for any ITCH 5.0 parser on this machine: a C loop that only walks
 * NASDAQ's file framing (2-byte big-endian length before each message) and touches each
 * message's type byte, so the bytes are really read. Vega's decode-only pass is measured
 * against it in the same run, over the same mapped file.
 */
#ifndef VEGA_ITCH_FRAMING_H
#define VEGA_ITCH_FRAMING_H
#include <stddef.h>
#include <stdint.h>

typedef struct vega_framing_walk {
    uint64_t messages;
    uint64_t type_sum;      /* sum of type bytes: keeps the compiler from skipping the reads */
    uint64_t truncated;     /* 1 when the last frame runs past the end */
} vega_framing_walk;

vega_framing_walk vega_itch_walk_framing(const uint8_t *bytes, size_t length);

#endif
