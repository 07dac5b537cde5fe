package dev.ferry.app.cli;

/** How list commands print: a table for people, JSON for scripts. */
enum OutputFormat { text, json }
