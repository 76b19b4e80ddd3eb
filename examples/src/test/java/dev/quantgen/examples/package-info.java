/**
 * Tests of the examples as a user meets them: the README's snippets compile and run, an application
 * that ships only the runtime jar and its generated classes loads and runs a {@code .qgen}, and a
 * model file is shared between tests ({@code SharedModelLoad}, {@code ChildJvm} for checks that
 * need a JVM of their own).
 */
package dev.quantgen.examples;
