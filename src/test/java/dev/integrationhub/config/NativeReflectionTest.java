package dev.integrationhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.google.api.client.googleapis.json.GoogleJsonErrorContainer;
import com.google.api.client.util.Key;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@link NativeReflection} registers exactly the Google types whose {@code @Key} fields the clients read or write
 * reflectively on the hub's calls: every type the hub's code uses from a Google API client, the error answer every
 * failed call is parsed into, and every type their {@code @Key} fields (and superclasses) can hold.
 */
class NativeReflectionTest {

    /** Not named by the hub's code: {@code GoogleJsonResponseException} parses every error answer into it. */
    private static final Class<?> ERROR_ANSWER = GoogleJsonErrorContainer.class;

    @Test
    void registersExactlyTheGoogleTypesTheClientsReadReflectively() throws ClassNotFoundException {
        Set<Class<?>> reached = new LinkedHashSet<>();
        for (Class<?> used : usedFromGoogleClients()) {
            reach(used, reached);
        }
        List<Class<?>> readReflectively = reached.stream()
                .filter(type -> Arrays.stream(type.getDeclaredFields()).anyMatch(field -> field.isAnnotationPresent(Key.class)))
                .toList();

        assertThat(NativeReflection.class.getAnnotation(RegisterForReflection.class).targets())
                .containsExactlyInAnyOrderElementsOf(readReflectively);
    }

    /** The Google API types the hub's main code refers to, and the error answer. */
    private static Set<Class<?>> usedFromGoogleClients() throws ClassNotFoundException {
        Set<Class<?>> used = new LinkedHashSet<>(Set.of(ERROR_ANSWER));
        List<String> names = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.integrationhub").stream()
                .flatMap(type -> type.getDirectDependenciesFromSelf().stream())
                .map(Dependency::getTargetClass)
                .map(type -> type.getBaseComponentType().getName())
                .filter(name -> name.startsWith("com.google.api.services.")
                        || name.startsWith("com.google.api.client.googleapis.json."))
                .distinct().toList();
        for (String name : names) {
            used.add(Class.forName(name));
        }
        return used;
    }

    /** Adds the Google type and whatever its superclasses and {@code @Key} fields can hold, recursively. */
    private static void reach(Type type, Set<Class<?>> reached) {
        switch (type) {
            case ParameterizedType generic -> {
                reach(generic.getRawType(), reached);
                for (Type argument : generic.getActualTypeArguments()) {
                    reach(argument, reached);
                }
            }
            case GenericArrayType array -> reach(array.getGenericComponentType(), reached);
            case WildcardType wildcard -> {
                for (Type bound : wildcard.getUpperBounds()) {
                    reach(bound, reached);
                }
            }
            case Class<?> array when array.isArray() -> reach(array.getComponentType(), reached);
            case Class<?> google when google.getName().startsWith("com.google.") && reached.add(google) -> {
                reach(google.getGenericSuperclass(), reached);
                for (Field field : google.getDeclaredFields()) {
                    if (field.isAnnotationPresent(Key.class)) {
                        reach(field.getGenericType(), reached);
                    }
                }
            }
            case null, default -> {
                // a JDK type, a type variable, no superclass, or a type already reached
            }
        }
    }
}
