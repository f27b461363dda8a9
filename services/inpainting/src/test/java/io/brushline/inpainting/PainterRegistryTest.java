package io.brushline.inpainting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.messages.Category;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;

class PainterRegistryTest {

    private record Named(String name) implements Painter {
        @Override
        public Mat paint(PaintRequest request) {
            return request.image();
        }
    }

    private final Painter classical = new Named("classical");
    private final Painter inpainting = new Named("inpainting");
    private final Painter instruction = new Named("instruction");

    @Test
    void withoutGenerativeModelsOnlyRemoveIsPainted() {
        var registry = new PainterRegistry(Map.of(), classical, Optional.empty(), Optional.empty());
        assertSame(classical, registry.forCategory(Category.REMOVE));
        for (Category category : new Category[] {Category.LOCAL, Category.BACKGROUND, Category.ADD, Category.GLOBAL}) {
            var failure = assertThrows(StageFailure.class, () -> registry.forCategory(category));
            assertEquals(FailureCodes.NO_PAINTER, failure.code());
            assertTrue(failure.getMessage().startsWith(category.name() + " edits need a generative"),
                    failure.getMessage());
            assertTrue(failure.getMessage().contains("none is configured"), failure.getMessage());
        }
    }

    @Test
    void automaticChoicePrefersTheModels() {
        var registry = new PainterRegistry(Map.of(), classical, Optional.of(inpainting), Optional.of(instruction));
        assertSame(inpainting, registry.forCategory(Category.REMOVE));
        assertSame(inpainting, registry.forCategory(Category.LOCAL));
        assertSame(inpainting, registry.forCategory(Category.BACKGROUND));
        assertSame(inpainting, registry.forCategory(Category.ADD));
        assertSame(instruction, registry.forCategory(Category.GLOBAL));
    }

    @Test
    void explicitChoicesOverrideTheAutomaticOnes() {
        var registry = new PainterRegistry(
                Map.of(Category.REMOVE, PainterChoice.CLASSICAL, Category.ADD, PainterChoice.INSTRUCTION,
                        Category.LOCAL, PainterChoice.NONE),
                classical, Optional.of(inpainting), Optional.of(instruction));
        assertSame(classical, registry.forCategory(Category.REMOVE));
        assertSame(instruction, registry.forCategory(Category.ADD));
        var failure = assertThrows(StageFailure.class, () -> registry.forCategory(Category.LOCAL));
        assertTrue(failure.getMessage().contains("disabled"), failure.getMessage());
    }
}
