/* Randomness for the stack's secrets.
 *
 * The stack asks tk_stack_io.random for 32-bit values at tk_stack_init (the
 * RFC 6528 ISN secret and the hash key of the connection tables, 128 bits
 * each) and later for ephemeral ports (RFC 6056), the SYN cookie secret and
 * the challenge-ACK budget. An attacker who can predict them can guess
 * sequence numbers (RFC 6528 section 1), flood one hash chain, or forge
 * cookies. Real hardware must therefore seed from a true source: a TRNG
 * peripheral (most Cortex-M parts with networking have one), or a seed
 * stored per device at manufacture and updated at every boot.
 *
 * The AN385 image has no RNG. This port mixes what varies from boot to boot
 * on the emulator (the microsecond clock when frames arrive, the MAC) into
 * a xorshift generator: good enough for a demo on a private link, NOT for a
 * product. docs/porting.md says what a product needs. */
#include "board.h"

static uint32_t state = 0x6b74636bu; /* any non-zero start */

void tk_entropy_stir(uint32_t x) {
    state ^= x + 0x9e3779b9u + (state << 6) + (state >> 2);
    if (state == 0)
        state = 0x6b74636bu;
}

uint32_t tk_entropy_u32(void *ctx) {
    (void)ctx;
    /* xorshift32 (Marsaglia 2003) with the clock stirred in each time. */
    tk_entropy_stir((uint32_t)tk_clock_now());
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}
