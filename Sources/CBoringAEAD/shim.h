#ifndef GROW_CBORINGAEAD_SHIM_H
#define GROW_CBORINGAEAD_SHIM_H
// BoringSSL's AEAD interface (include/openssl/aead.h), from the copy of BoringSSL that
// swift-crypto builds and links into every grow binary under the prefix "CCryptoBoringSSL_".
// Nothing is linked here: the symbols come with swift-crypto's Crypto product.
//
// Why not swift-crypto's AES.GCM: its API creates a new cipher context and three to five heap
// buffers on every call, about 1.3 us per 29-byte frame on the machine of docs/protocol.md,
// against 0.14 us for the same BoringSSL function with a context kept for the connection.
// Tests/WireTests/AESGCMKeyTests checks that the two produce the same bytes.
#include <stddef.h>
#include <stdint.h>

typedef struct grow_evp_aead grow_evp_aead;
typedef struct grow_evp_aead_ctx grow_evp_aead_ctx;

const grow_evp_aead *CCryptoBoringSSL_EVP_aead_aes_256_gcm(void);
// Only for scripts/bench's comparison of the two AEADs (docs/protocol.md has the numbers).
const grow_evp_aead *CCryptoBoringSSL_EVP_aead_chacha20_poly1305(void);

// A context with the key schedule; NULL on failure. tag_len 0 means the default (16 bytes).
grow_evp_aead_ctx *CCryptoBoringSSL_EVP_AEAD_CTX_new(
    const grow_evp_aead *aead, const uint8_t *key, size_t key_len, size_t tag_len);
void CCryptoBoringSSL_EVP_AEAD_CTX_free(grow_evp_aead_ctx *ctx);

// Both return 1 on success, 0 on failure. `out` may be `in` exactly (in place).
int CCryptoBoringSSL_EVP_AEAD_CTX_seal(
    const grow_evp_aead_ctx *ctx, uint8_t *out, size_t *out_len, size_t max_out_len, const uint8_t *nonce,
    size_t nonce_len, const uint8_t *in, size_t in_len, const uint8_t *ad, size_t ad_len);
int CCryptoBoringSSL_EVP_AEAD_CTX_open(
    const grow_evp_aead_ctx *ctx, uint8_t *out, size_t *out_len, size_t max_out_len, const uint8_t *nonce,
    size_t nonce_len, const uint8_t *in, size_t in_len, const uint8_t *ad, size_t ad_len);

#endif
