//! The `vocabulary!` macro: a closed list of codes as an enum that parses and prints them.

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident, $err:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Result<Self, &'static str> {
                match s.trim() {
                    $($code => Ok($name::$variant),)+
                    _ => Err($err),
                }
            }
        }

        impl $crate::Vocabulary for $name {
            const NAME: &'static str = stringify!($name);

            fn codes() -> Vec<&'static str> {
                vec![$($code),+]
            }

            fn parse_code(s: &str) -> Result<Self, &'static str> {
                Self::parse(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
