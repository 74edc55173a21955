//! How the container runs, written once: the hardening (read-only root filesystem, no
//! capabilities, no new privileges, a small private `/tmp`) and the health check timings.
//! compose.yaml, the Kubernetes manifest and `verify`'s `docker run` all take them from here,
//! so they cannot drift apart.

use crate::model::User;
use serde::Serialize;

/// The runtime hardening every output applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hardening {
    /// Nothing in the image can change at run time.
    pub read_only_root: bool,
    /// Linux capabilities dropped.
    pub cap_drop: &'static [&'static str],
    /// setuid binaries and file capabilities grant nothing (`allowPrivilegeEscalation: false`).
    pub no_new_privileges: bool,
    /// The one writable path: a tmpfs (Kubernetes: a memory `emptyDir`).
    pub tmp_path: &'static str,
    /// tmpfs mount options before the size, owner and mode.
    pub tmp_options: &'static str,
    /// Size of `/tmp` in MiB: Python's temporary files, never the app's data.
    pub tmp_size_mib: u32,
    /// `/tmp` is the runtime user's alone.
    pub tmp_mode: &'static str,
    /// Size of each path the app is allowed to write beside its code (`writable`), in MiB; the
    /// same options and mode as `/tmp`.
    pub writable_size_mib: u32,
}

pub const HARDENING: Hardening = Hardening {
    read_only_root: true,
    cap_drop: &["ALL"],
    no_new_privileges: true,
    tmp_path: "/tmp",
    tmp_options: "rw,nosuid,nodev",
    tmp_size_mib: 64,
    tmp_mode: "0700",
    writable_size_mib: 128,
};

/// When the health check of a web app runs and how long it may take, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HealthTimings {
    pub interval_seconds: u32,
    /// Also the HTTP client's own timeout inside the check.
    pub timeout_seconds: u32,
    pub retries: u32,
    /// Failures before this do not count: the server is still starting.
    pub start_period_seconds: u32,
    /// Kubernetes' liveness probe, slower than readiness: restarting is worse than waiting.
    pub liveness_period_seconds: u32,
}

pub const HEALTH: HealthTimings = HealthTimings {
    interval_seconds: 10,
    timeout_seconds: 3,
    retries: 3,
    start_period_seconds: 10,
    liveness_period_seconds: 20,
};

impl Hardening {
    /// The `/tmp` tmpfs as docker and compose spell it, owned by `user`.
    pub fn tmpfs(&self, user: &User) -> String {
        format!(
            "{}:{},size={}m,uid={},gid={},mode={}",
            self.tmp_path, self.tmp_options, self.tmp_size_mib, user.uid, user.gid, self.tmp_mode
        )
    }

    /// A writable path's tmpfs (`writable`), as docker and compose spell it, owned by `user`.
    pub fn writable_tmpfs(&self, path: &str, user: &User) -> String {
        format!(
            "{path}:{},size={}m,uid={},gid={},mode={}",
            self.tmp_options, self.writable_size_mib, user.uid, user.gid, self.tmp_mode
        )
    }

    /// `docker run` flags that apply this hardening to a container of an image that runs as
    /// `user`, with a tmpfs at each of `writable` (absolute paths). `--user` is left out on
    /// purpose: the image's own `USER` is what is under test.
    pub fn docker_run_flags(&self, user: &User, writable: &[String]) -> Vec<String> {
        let mut flags = Vec::new();
        if self.read_only_root {
            flags.push("--read-only".to_string());
        }
        flags.extend(["--tmpfs".to_string(), self.tmpfs(user)]);
        for path in writable {
            flags.extend(["--tmpfs".to_string(), self.writable_tmpfs(path, user)]);
        }
        for capability in self.cap_drop {
            flags.extend(["--cap-drop".to_string(), capability.to_string()]);
        }
        for option in self.security_opt() {
            flags.extend(["--security-opt".to_string(), option]);
        }
        flags
    }

    /// Security options as docker and compose spell them.
    pub fn security_opt(&self) -> Vec<String> {
        if self.no_new_privileges {
            vec!["no-new-privileges:true".to_string()]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: User = User {
        uid: 10001,
        gid: 10002,
    };

    #[test]
    fn tmpfs_is_owned_by_the_user() {
        assert_eq!(
            HARDENING.tmpfs(&USER),
            "/tmp:rw,nosuid,nodev,size=64m,uid=10001,gid=10002,mode=0700"
        );
    }

    #[test]
    fn docker_run_flags_follow_the_table() {
        assert_eq!(
            HARDENING.docker_run_flags(&USER, &["/src/logs".into()]),
            [
                "--read-only",
                "--tmpfs",
                "/tmp:rw,nosuid,nodev,size=64m,uid=10001,gid=10002,mode=0700",
                "--tmpfs",
                "/src/logs:rw,nosuid,nodev,size=128m,uid=10001,gid=10002,mode=0700",
                "--cap-drop",
                "ALL",
                "--security-opt",
                "no-new-privileges:true",
            ]
        );
        let writable = Hardening {
            read_only_root: false,
            no_new_privileges: false,
            cap_drop: &["NET_RAW", "SYS_ADMIN"],
            ..HARDENING
        };
        assert_eq!(
            writable.docker_run_flags(&USER, &[]),
            [
                "--tmpfs",
                "/tmp:rw,nosuid,nodev,size=64m,uid=10001,gid=10002,mode=0700",
                "--cap-drop",
                "NET_RAW",
                "--cap-drop",
                "SYS_ADMIN",
            ]
        );
    }
}
