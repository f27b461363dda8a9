package io.brushline.inpainting;

import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.messages.Category;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Builds the painters the configuration asks for, once, at start-up. */
@ApplicationScoped
public class PainterSetup {

    @Produces
    @ApplicationScoped
    PaintingService paintingService(InpaintingConfig config) {
        ImageCodec.init();
        Map<Category, PainterChoice> choices = new EnumMap<>(Category.class);
        var painter = config.painter();
        choices.put(Category.LOCAL, painter.local());
        choices.put(Category.REMOVE, painter.remove());
        choices.put(Category.BACKGROUND, painter.background());
        choices.put(Category.ADD, painter.add());
        choices.put(Category.GLOBAL, painter.global());
        var classical = new ClassicalFill(config.classical().method(), config.classical().radius(),
                config.classical().maxSide());
        return new PaintingService(new PainterRegistry(choices, classical, Optional.empty(), Optional.empty()));
    }
}
