/* libibverbs (Debian: libibverbs-dev). The hot-path calls (ibv_poll_cq, ibv_post_recv,
 * ibv_post_send, ibv_start_poll/ibv_next_poll, ibv_wc_read_completion_ts) are static inline
 * in verbs.h and import into Swift directly. */
#include <infiniband/verbs.h>
