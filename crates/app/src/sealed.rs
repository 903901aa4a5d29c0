//! Personal data at rest: every worker's details are sealed (XChaCha20-Poly1305) with a key of
//! their own, and that key is sealed with the data key from the configuration. The database
//! alone reveals nothing; erasing a person removes their key with their data.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The data key: 32 bytes from `ACCORD_DATA_KEY` (64 hex digits) or a key file.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// Why a key or a sealed value could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("the data key must be 64 hexadecimal digits (32 bytes)")]
    BadKey,
    #[error("sealed data could not be opened: wrong data key, or the data was changed")]
    Open,
}

impl DataKey {
    pub fn from_bytes(b: [u8; 32]) -> DataKey {
        DataKey(b)
    }

    /// 64 hexadecimal digits, spaces and line breaks around them ignored.
    pub fn from_hex(s: &str) -> Result<DataKey, SealError> {
        let bytes = hex::decode(s.trim()).map_err(|_| SealError::BadKey)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| SealError::BadKey)?;
        Ok(DataKey(arr))
    }

    /// A new random key, as 64 hexadecimal digits.
    pub fn generate_hex() -> String {
        let mut b = [0u8; 32];
        rand::rng().fill_bytes(&mut b);
        hex::encode(b)
    }

    /// A keyed digest of a national ID number: finds the same person again without storing
    /// the number readable.
    pub fn digest(&self, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(b"accord:national-id:");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Seals a person's data: (the person's key sealed with this key, the data sealed with the
    /// person's key).
    pub fn seal_person(&self, data: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let mut own = [0u8; 32];
        rand::rng().fill_bytes(&mut own);
        let sealed_key = seal(&self.0, &own, b"accord:person-key");
        let sealed_data = seal(&own, data, b"accord:person-data");
        (sealed_key, sealed_data)
    }

    /// Opens what [`Self::seal_person`] sealed.
    pub fn open_person(&self, sealed_key: &[u8], sealed_data: &[u8]) -> Result<Vec<u8>, SealError> {
        let own = open(&self.0, sealed_key, b"accord:person-key")?;
        let own: [u8; 32] = own.try_into().map_err(|_| SealError::Open)?;
        open(&own, sealed_data, b"accord:person-data")
    }

    /// Seals new data for a person whose key is already sealed.
    pub fn reseal_person(&self, sealed_key: &[u8], data: &[u8]) -> Result<Vec<u8>, SealError> {
        let own = open(&self.0, sealed_key, b"accord:person-key")?;
        let own: [u8; 32] = own.try_into().map_err(|_| SealError::Open)?;
        Ok(seal(&own, data, b"accord:person-data"))
    }
}

/// A random nonce, then the ciphertext with its tag.
fn seal(key: &[u8; 32], data: &[u8], aad: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; 24];
    rand::rng().fill_bytes(&mut nonce);
    let ct = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: data, aad }).expect("sealing cannot fail");
    let mut out = nonce.to_vec();
    out.extend(ct);
    out
}

fn open(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < 24 + 16 {
        return Err(SealError::Open);
    }
    let cipher = XChaCha20Poly1305::new(key.into());
    cipher.decrypt(XNonce::from_slice(&sealed[..24]), Payload { msg: &sealed[24..], aad }).map_err(|_| SealError::Open)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let k = DataKey::from_hex(&DataKey::generate_hex()).unwrap();
        let (sk, sd) = k.seal_person(b"Jane Marker");
        assert!(!sd.windows(6).any(|w| w == b"Marker"));
        assert_eq!(k.open_person(&sk, &sd).unwrap(), b"Jane Marker");
        let mut bad = sd.clone();
        bad[30] ^= 1;
        assert_eq!(k.open_person(&sk, &bad), Err(SealError::Open));
        let other = DataKey::from_bytes([7; 32]);
        assert_eq!(other.open_person(&sk, &sd), Err(SealError::Open));
        let sd2 = k.reseal_person(&sk, b"new").unwrap();
        assert_eq!(k.open_person(&sk, &sd2).unwrap(), b"new");
    }

    #[test]
    fn keys_and_digests() {
        assert_eq!(DataKey::from_hex("abc").unwrap_err(), SealError::BadKey);
        let k = DataKey::from_bytes([1; 32]);
        assert_eq!(k.digest("AB123456C"), k.digest("AB123456C"));
        assert_ne!(k.digest("AB123456C"), DataKey::from_bytes([2; 32]).digest("AB123456C"));
        assert_eq!(format!("{k:?}"), "DataKey(…)");
    }
}
