"""The `align` command. Each subcommand group lives in its own module and registers itself."""
