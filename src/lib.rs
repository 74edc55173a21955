//! uv-rootless: from a uv project to a Dockerfile, compose file and Kubernetes manifest that run
//! as a numeric non-root user on a read-only root filesystem.
//!
//! The stages follow the data: [`read`] what the project says, [`decide`] a [`model::Plan`],
//! [`render`] it through the templates, then [`output`] writes or checks. [`app`] strings them
//! together for each subcommand; [`options`] is the one table of the choices a user can make, on the
//! command line or in `[tool.uv-rootless]`; [`verify`] proves a built image on the engine that
//! [`engine`] drives.

pub mod app;
pub mod config_edit;
pub mod decide;
pub mod digests;
pub mod engine;
pub mod error;
pub mod explain;
pub mod hardening;
pub mod model;
pub mod options;
pub mod output;
pub mod read;
pub mod render;
pub mod verify;
