#include "vega_itch_framing.h"

vega_framing_walk vega_itch_walk_framing(const uint8_t *p, size_t n) {
    vega_framing_walk w = {0, 0, 0};
    size_t off = 0;
    while (off + 2 <= n) {
        size_t len = ((size_t)p[off] << 8) | p[off + 1];
        if (len == 0 || off + 2 + len > n) { w.truncated = off + 2 + len > n; break; }
        w.type_sum += p[off + 2];
        w.messages++;
        off += 2 + len;
    }
    return w;
}
