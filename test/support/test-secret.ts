/**
 * The URL-signing secret of every test that signs with HMAC (the signer wants
 * 32 bytes or more). A test that needs a second secret derives it from this
 * one, so a wrong secret is visibly wrong.
 */
export const TEST_URL_SECRET = 'pixport-test-url-signing-secret-of-32-bytes-or-more';
