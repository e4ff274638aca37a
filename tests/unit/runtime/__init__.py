"""Unit tests of engine.runtime: the sandbox, compiling and running small models in memory."""
