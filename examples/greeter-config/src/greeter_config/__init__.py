"""greeter-config: a greeting command configured by files of the project."""
