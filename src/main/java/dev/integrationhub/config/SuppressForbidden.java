package dev.integrationhub.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets the build's forbidden-API check ({@code src/build/forbidden-apis.txt}, forbiddenapis in the pom) pass one
 * method that must use a banned API, such as the one producer of the system clock. Each use says why.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ ElementType.METHOD, ElementType.CONSTRUCTOR })
public @interface SuppressForbidden {

    /** Why this method may call what the rest of the code may not. */
    String reason();
}
