//! Keys that sign the links Accord sends to people who do not sign in: event invitations and
//! unsubscribe links. Each purpose has its own random key, made on first use and kept in the
//! database, so every node signs alike, links survive restarts and no setting is needed;
//! removing a purpose's key voids every link of that purpose.

use crate::{App, AppError, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key of links of `purpose`, made now if there is none yet.
pub(crate) async fn key(app: &App, purpose: &str) -> Result<Vec<u8>> {
    let fresh = crate::sealed::DataKey::generate_hex();
    let hex_key = accord_db::events::link_key(&app.db.conn, purpose, &fresh).await?;
    hex::decode(hex_key.trim()).map_err(|_| AppError::Internal(format!("the {purpose} link key is not hexadecimal")))
}

/// The HMAC-SHA256 of `message` under `key`.
pub(crate) fn mac(key: &[u8], message: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(message.as_bytes());
    mac
}
