import type { OwnerId } from '../../../src/domain/owner-id.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { urlSignerContract } from '../../contract/url-signer.contract.js';
import { createAppHarness } from '../../support/app-harness.js';

// The HMAC signer's URLs are served by the app's own /files routes, whose PUT
// takes only the original of a registered, pending photo: `uploadKey` registers one.
urlSignerContract('HmacUrlSigner + the /files routes', async () => {
  const h = createAppHarness();
  return {
    signer: h.signer,
    seed: (key, bytes, contentType) => h.blobs.put(key, bytes, { contentType }),
    read: async (key) => (await h.blobs.get(key))?.bytes,
    fetchSigned: async (url, init) => h.app.request(url, init),
    uploadKey: async () => {
      const registered = await h.useCases.registerUpload.execute({
        ownerId: 'contract' as OwnerId,
        filename: 'contract.png',
        contentType: 'image/png',
        size: 64,
      });
      if (!registered.ok) throw registered.error;
      return StorageKeys.original(registered.value.photo.ownerId, registered.value.photo.id);
    },
  };
});
