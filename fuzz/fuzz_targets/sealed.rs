//! The opener of sealed personal data on any bytes, as a damaged or tampered database row
//! would give it: it must refuse, never panic and never open data it did not seal; what it
//! sealed it must open again.
#![no_main]

#[path = "../../crates/app/src/sealed.rs"]
#[allow(dead_code)]
mod sealed;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = sealed::DataKey::from_bytes([7; 32]);
    let split = data.first().map(|b| *b as usize % (data.len().max(1))).unwrap_or(0);
    let (sealed_key, sealed_data) = data.split_at(split);
    assert!(key.open_person(sealed_key, sealed_data).is_err(), "random bytes never open");
    let (k, d) = key.seal_person(data);
    assert_eq!(key.open_person(&k, &d).as_deref(), Ok(data));
    let _ = sealed::DataKey::from_hex(&String::from_utf8_lossy(data));
});
