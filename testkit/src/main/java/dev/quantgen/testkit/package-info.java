/**
 * Test helpers shared by every module's tests: the shared data sets (skipped with a message when
 * absent), fuzz scratch files and assertions on rejected arguments.
 */
package dev.quantgen.testkit;
