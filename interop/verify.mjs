// SPDX-License-Identifier: EUPL-1.2
// Verify llo's credentials with independent implementations (issue 16, interop):
//   - the embedded Data Integrity proof (eddsa-rdfc-2022) with Digital Bazaar's
//     @digitalbazaar/vc + @digitalbazaar/eddsa-rdfc-2022-cryptosuite;
//   - the VC-JOSE form (compact JWS, alg Ed25519) with panva's jose.
// Usage: node verify.mjs <dir>; <dir> holds input.json: {credentials: [...], jwts: [...],
// didDocuments: {did: doc}, contexts: {url: file}}. Prints one JSON line with the results.
// No network: the document loader serves the given contexts and DID documents only.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as jose from 'jose';
import jsigs from 'jsonld-signatures';

const dir = process.argv[2];
const input = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));
const documents = new Map();
for (const [url, file] of Object.entries(input.contexts)) {
  documents.set(url, JSON.parse(readFileSync(file, 'utf8')));
}
for (const [did, doc] of Object.entries(input.didDocuments)) {
  documents.set(did, doc);
}
const requested = [];

async function documentLoader(url) {
  requested.push(url);
  const [base, fragment] = url.split('#');
  if (documents.has(base)) {
    let document = documents.get(base);
    if (fragment) {
      // A verification method inside a DID document (did:web), framed as jsonld-signatures wants.
      const method = (document.verificationMethod || []).find(vm => vm.id === url);
      if (!method) throw new Error(`no ${url}`);
      document = {'@context': document['@context'], ...method};
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`offline: refusing to load ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const results = {credentials: [], proofs: [], jwts: [], requested};

for (const credential of input.credentials) {
  try {
    const result = await vc.verifyCredential({
      credential, suite, documentLoader, checkStatus: async () => ({verified: true}),
    });
    results.credentials.push({
      verified: result.verified,
      error: result.verified ? null : String(
        (result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ')) ||
        JSON.stringify(result.results?.map(r => r.error?.message)))
    });
  } catch (e) {
    results.credentials.push({verified: false, error: String(e && e.message || e)});
  }
}

// Documents whose proof alone is checked (no VC issuer rule), e.g. the W3C test vector.
for (const document of input.proofs || []) {
  try {
    const result = await jsigs.verify(document, {
      suite, purpose: new jsigs.purposes.AssertionProofPurpose(), documentLoader,
    });
    results.proofs.push({verified: result.verified,
      error: result.verified ? null : String(result.error && result.error.message)});
  } catch (e) {
    results.proofs.push({verified: false, error: String(e && e.message || e)});
  }
}

for (const {token, jwk} of input.jwts) {
  try {
    const key = await jose.importJWK(jwk, 'Ed25519');
    const {payload, protectedHeader} = await jose.compactVerify(token, key, {algorithms: ['Ed25519']});
    const credential = JSON.parse(new TextDecoder().decode(payload));
    results.jwts.push({verified: true, typ: protectedHeader.typ, id: credential.id});
  } catch (e) {
    results.jwts.push({verified: false, error: String(e && e.message || e)});
  }
}
console.log(JSON.stringify(results));
