//! The data key: from `ACCORD_DATA_KEY`, from the file `ACCORD_DATA_KEY_FILE` names, or for the
//! demo from `demo-data.key` beside the SQLite database.

use accord_app::sealed::DataKey;
use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};

/// The name of the demo's key file, kept in the folder of the SQLite database.
pub const DEMO_KEY_FILE: &str = "demo-data.key";

/// Where the data key came from, for the start-up log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Variable,
    File(PathBuf),
    Demo(PathBuf),
    /// A fresh key for an in-memory demo database: forgotten with it.
    Ephemeral,
}

/// Reads the configured key: at most one of the value and the file may be given.
pub fn configured_key(value: Option<&str>, file: Option<&Path>) -> Result<Option<(DataKey, KeySource)>> {
    match (value.map(str::trim).filter(|v| !v.is_empty()), file.filter(|f| !f.as_os_str().is_empty())) {
        (Some(_), Some(_)) => bail!(
            "give the data key either in ACCORD_DATA_KEY (--data-key) or in ACCORD_DATA_KEY_FILE (--data-key-file), not both"
        ),
        (Some(v), None) => {
            let key = DataKey::from_hex(v).map_err(|_| {
                anyhow!(
                    "ACCORD_DATA_KEY (--data-key) must be 64 hexadecimal digits (32 bytes); make one with `accord data-key generate`"
                )
            })?;
            Ok(Some((key, KeySource::Variable)))
        }
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the data key file {} (ACCORD_DATA_KEY_FILE, --data-key-file)", path.display())
            })?;
            let key = DataKey::from_hex(&text).map_err(|_| {
                anyhow!(
                    "the data key file {} (ACCORD_DATA_KEY_FILE, --data-key-file) must hold 64 hexadecimal digits (32 bytes); make one with `accord data-key generate`",
                    path.display()
                )
            })?;
            warn_if_readable_by_others(path);
            Ok(Some((key, KeySource::File(path.to_owned()))))
        }
        (None, None) => Ok(None),
    }
}

/// The demo's key file: beside the SQLite database of `database_url`, or for another database
/// in the working folder. None for an in-memory SQLite database.
pub fn demo_key_path(database_url: &str) -> Option<PathBuf> {
    if !database_url.starts_with("sqlite:") {
        return Some(PathBuf::from(DEMO_KEY_FILE));
    }
    let db = accord_db::sqlite_path(database_url)?;
    let folder = Path::new(&db).parent().map(Path::to_path_buf).unwrap_or_default();
    Some(folder.join(DEMO_KEY_FILE))
}

/// The key for `accord serve --demo` when none is configured: `demo-data.key` (see
/// [`demo_key_path`]; made, readable by its owner only, when missing); a throw-away key for an
/// in-memory database.
pub fn demo_key(database_url: &str) -> Result<(DataKey, KeySource)> {
    let Some(path) = demo_key_path(database_url) else {
        let key = DataKey::from_hex(&DataKey::generate_hex()).expect("a generated key is valid");
        return Ok((key, KeySource::Ephemeral));
    };
    if let Some(folder) = path.parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder).with_context(|| format!("cannot create the folder {}", folder.display()))?;
    }
    create_key_file(&path)?;
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read the demo key file {}", path.display()))?;
    let key = DataKey::from_hex(&text).map_err(|_| {
        anyhow!("the demo key file {} must hold 64 hexadecimal digits; delete it to make a new one (the demo's worker cases will then no longer open)", path.display())
    })?;
    Ok((key, KeySource::Demo(path)))
}

/// Writes a fresh key to `path` unless the file exists already.
fn create_key_file(path: &Path) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut f) => {
            writeln!(f, "{}", DataKey::generate_hex())
                .and_then(|_| f.sync_all())
                .with_context(|| format!("cannot write the demo key file {}", path.display()))?;
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot create the demo key file {}", path.display())),
    }
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path)
            && m.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                file = %path.display(),
                "the data key file can be read by other users; restrict it with `chmod 600`"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_the_variable_and_files() {
        let hex = DataKey::generate_hex();
        assert_eq!(configured_key(Some(&hex), None).unwrap().unwrap().1, KeySource::Variable);
        assert!(configured_key(None, None).unwrap().is_none());
        assert!(configured_key(Some("  "), None).unwrap().is_none());
        let e = configured_key(Some("abc"), None).unwrap_err().to_string();
        assert!(e.contains("ACCORD_DATA_KEY"), "{e}");
        let dir = std::env::temp_dir().join(format!("accord-key-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("k");
        std::fs::write(&file, format!("{hex}\n")).unwrap();
        assert!(matches!(configured_key(None, Some(&file)).unwrap().unwrap().1, KeySource::File(_)));
        assert!(configured_key(Some(&hex), Some(&file)).is_err());
        std::fs::write(&file, "nonsense").unwrap();
        let e = configured_key(None, Some(&file)).unwrap_err().to_string();
        assert!(e.contains("ACCORD_DATA_KEY_FILE"), "{e}");
        let e = configured_key(None, Some(&dir.join("missing"))).unwrap_err().to_string();
        assert!(e.contains("ACCORD_DATA_KEY_FILE"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_demo_key_lives_beside_the_database() {
        let dir = std::env::temp_dir().join(format!("accord-demo-key-test-{}", std::process::id()));
        let url = format!("sqlite://{}/a.db?mode=rwc", dir.display());
        let (k1, s1) = demo_key(&url).unwrap();
        assert_eq!(s1, KeySource::Demo(dir.join(DEMO_KEY_FILE)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(DEMO_KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The same key the second time.
        let (k2, _) = demo_key(&url).unwrap();
        assert_eq!(k1.digest("AB123456C"), k2.digest("AB123456C"));
        assert_eq!(demo_key("sqlite::memory:").unwrap().1, KeySource::Ephemeral);
        assert_eq!(demo_key_path("postgres://u@h/db"), Some(PathBuf::from(DEMO_KEY_FILE)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
