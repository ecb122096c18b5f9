//! The folders fonts live in, on every platform offices use, found from environment variables.
//!
//! Every platform's folders are listed on every platform (a folder that does not exist is simply
//! empty), and each comes from the variable the platform itself uses, so a test on Linux that
//! sets `WINDIR` or `LOCALAPPDATA` exercises the Windows folders. No fontconfig: its substitution
//! rules would map SimHei to whatever sans face is installed, and the point is to know whether
//! the office face itself is there.

use std::ffi::OsString;
use std::path::PathBuf;

/// Fixed folders: macOS, the fontconfig defaults, and WPS Office's bundled fonts (WPS on Linux
/// ships 仿宋_GB2312, 方正小标宋简体 and 楷体_GB2312 in its own folder, outside fontconfig's).
const FIXED: [&str; 6] = [
    "/Library/Fonts",
    "/System/Library/Fonts",
    "/usr/local/share/fonts",
    "/usr/share/fonts",
    "/usr/share/fonts/wps-office",
    "/opt/kingsoft/wps-office/office6/fonts",
];

/// `--font-dir` folders first, then the system's, from the process's environment.
pub fn font_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = extra.to_vec();
    dirs.extend(system_font_dirs(|key| std::env::var_os(key)));
    dedup(dirs)
}

/// The system's font folders as `env` (a variable's value by name) describes the machine:
/// per-user folders first (fonts installed without admin rights, common in offices), then the
/// machine's.
pub fn system_font_dirs(env: impl Fn(&str) -> Option<OsString>) -> Vec<PathBuf> {
    // An empty variable counts as unset (as the XDG base directory spec says).
    let var = |key: &str| env(key).filter(|v| !v.is_empty()).map(PathBuf::from);
    let home = var("HOME").or_else(|| var("USERPROFILE"));
    let mut dirs = Vec::new();

    // Windows: per-user fonts (Windows 10 1809 and later), then the system's.
    if let Some(local) = var("LOCALAPPDATA") {
        dirs.push(local.join("Microsoft").join("Windows").join("Fonts"));
    }
    match var("WINDIR").or_else(|| var("SystemRoot")) {
        Some(windir) => dirs.push(windir.join("Fonts")),
        None if cfg!(windows) => dirs.push(PathBuf::from(r"C:\Windows\Fonts")),
        None => {}
    }

    // macOS and the fontconfig per-user folders.
    if let Some(home) = &home {
        dirs.push(home.join("Library").join("Fonts"));
    }
    match (var("XDG_DATA_HOME"), &home) {
        (Some(data), _) => dirs.push(data.join("fonts")),
        (None, Some(home)) => dirs.push(home.join(".local").join("share").join("fonts")),
        (None, None) => {}
    }
    if let Some(home) = &home {
        dirs.push(home.join(".fonts"));
    }

    dirs.extend(FIXED.iter().map(PathBuf::from));
    // Flatpak and NixOS list their font folders' parents in XDG_DATA_DIRS.
    if let Some(data_dirs) = env("XDG_DATA_DIRS") {
        dirs.extend(
            std::env::split_paths(&data_dirs)
                .filter(|d| d.is_absolute())
                .map(|d| d.join("fonts")),
        );
    }
    dedup(dirs)
}

fn dedup(dirs: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::with_capacity(dirs.len());
    for d in dirs {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::Path;

    fn dirs_for(vars: &[(&str, &str)]) -> Vec<PathBuf> {
        let map: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        system_font_dirs(|key| map.get(key).cloned())
    }

    fn has(dirs: &[PathBuf], want: &str) -> bool {
        dirs.iter().any(|d| d == Path::new(want))
    }

    #[test]
    fn windows_folders_come_from_windir_and_localappdata() {
        let dirs = dirs_for(&[
            ("WINDIR", "/win"),
            ("LOCALAPPDATA", "/users/clerk/AppData/Local"),
        ]);
        assert!(has(&dirs, "/win/Fonts"), "{dirs:?}");
        assert!(
            has(&dirs, "/users/clerk/AppData/Local/Microsoft/Windows/Fonts"),
            "{dirs:?}"
        );
        // The per-user folder is searched before the system's.
        let user = dirs.iter().position(|d| d.starts_with("/users")).unwrap();
        let system = dirs.iter().position(|d| d.starts_with("/win")).unwrap();
        assert!(user < system);
        // SystemRoot stands in for WINDIR.
        assert!(has(&dirs_for(&[("SystemRoot", "/sr")]), "/sr/Fonts"));
    }

    #[test]
    fn macos_and_fontconfig_folders_come_from_home_and_xdg() {
        let dirs = dirs_for(&[("HOME", "/home/clerk")]);
        for want in [
            "/home/clerk/Library/Fonts",
            "/Library/Fonts",
            "/System/Library/Fonts",
            "/home/clerk/.local/share/fonts",
            "/home/clerk/.fonts",
            "/usr/share/fonts",
            "/usr/local/share/fonts",
            "/usr/share/fonts/wps-office",
            "/opt/kingsoft/wps-office/office6/fonts",
        ] {
            assert!(has(&dirs, want), "{want} not in {dirs:?}");
        }
        assert!(!dirs.iter().any(|d| d.starts_with("/win")));

        let dirs = dirs_for(&[
            ("HOME", "/home/clerk"),
            ("XDG_DATA_HOME", "/data/clerk"),
            ("XDG_DATA_DIRS", "/nix/profile/share:relative"),
        ]);
        assert!(has(&dirs, "/data/clerk/fonts"), "{dirs:?}");
        assert!(!has(&dirs, "/home/clerk/.local/share/fonts"), "{dirs:?}");
        assert!(has(&dirs, "/nix/profile/share/fonts"), "{dirs:?}");
        assert!(!dirs.iter().any(|d| d.starts_with("relative")), "{dirs:?}");
    }

    #[test]
    fn empty_variables_count_as_unset_and_nothing_repeats() {
        let dirs = dirs_for(&[
            ("HOME", ""),
            ("WINDIR", ""),
            ("XDG_DATA_DIRS", "/usr/share"),
        ]);
        assert!(!dirs.iter().any(|d| d.is_relative()), "{dirs:?}");
        let mut unique = dirs.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), dirs.len(), "{dirs:?}");
    }
}
