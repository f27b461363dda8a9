package io.brushline.classifier.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brushline.classifier.ImageSize;
import io.brushline.classifier.InstructionEngine;
import io.brushline.classifier.config.InstructionEngineProducer;
import io.brushline.classifier.learned.LearnedInstructionEngine;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.messages.Placement;
import io.brushline.common.stage.StageFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Classifies instructions read one per line (from a file argument, or stdin) with an offline engine
 * (the learned one unless {@code --engine rules}) and prints one JSON object per line; an instruction
 * the engine turns away prints its failure code and reason.
 * Usage: {@code ClassifyCommand [--engine learned|rules] [--image-size WxH] [file]}.
 */
public final class ClassifyCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassifyCommand() {
    }

    public static void main(String[] args) throws IOException {
        ImageSize size = null;
        Path file = null;
        String engineName = LearnedInstructionEngine.ENGINE_NAME;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--image-size") && i + 1 < args.length) {
                size = parseSize(args[++i]);
            } else if (args[i].equals("--engine") && i + 1 < args.length) {
                engineName = args[++i];
            } else if (args[i].equals("-h") || args[i].equals("--help")) {
                System.out.println(
                        "usage: ClassifyCommand [--engine learned|rules] [--image-size WxH] [file]   (stdin when no file)");
                return;
            } else {
                file = Path.of(args[i]);
            }
        }
        try (BufferedReader in = file == null
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            RuleBasedInstructionEngine rules = new RuleBasedInstructionEngine();
            InstructionEngine engine = switch (engineName) {
                case RuleBasedInstructionEngine.ENGINE_NAME -> rules;
                case LearnedInstructionEngine.ENGINE_NAME -> InstructionEngineProducer.learned(rules);
                default -> throw new IllegalArgumentException("--engine must be learned or rules");
            };
            classifyAll(in, System.out, engine, size);
        }
    }

    static void classifyAll(BufferedReader in, PrintStream out, InstructionEngine engine, ImageSize size)
            throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String instruction = line.strip();
            ObjectNode node;
            try {
                node = toJson(instruction, engine.understand(instruction, size), size);
            } catch (StageFailure rejected) {
                node = JSON.createObjectNode();
                node.put("instruction", instruction);
                node.put("error", rejected.code());
                node.put("reason", rejected.getMessage());
            }
            out.println(JSON.writeValueAsString(node));
        }
    }

    static ObjectNode toJson(String instruction, Classification c, ImageSize size) {
        ObjectNode node = JSON.createObjectNode();
        node.put("instruction", instruction);
        node.put("category", c.category().name());
        node.put("object", c.object());
        node.put("target_prompt", c.targetPrompt());
        node.put("negative_prompt", c.negativePrompt());
        if (c.category() == Category.ADD && size != null && c.placement() != null) {
            node.set("placement", placementJson(c.placement()));
        }
        if (c.decision() != null) {
            node.set("decision", JSON.valueToTree(c.decision()));
        }
        return node;
    }

    private static ObjectNode placementJson(Placement p) {
        ObjectNode node = JSON.createObjectNode();
        Box b = p.box();
        if (b != null) {
            node.putArray("box").add(b.x1()).add(b.y1()).add(b.x2()).add(b.y2());
        }
        node.put("relation", p.relation());
        node.put("anchor", p.anchor());
        return node;
    }

    static ImageSize parseSize(String text) {
        String[] parts = text.toLowerCase().split("x");
        if (parts.length != 2) {
            throw new IllegalArgumentException("image size must look like 1024x768, got " + text);
        }
        int w = Integer.parseInt(parts[0].trim());
        int h = Integer.parseInt(parts[1].trim());
        if (w <= 0 || h <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + text);
        }
        return new ImageSize(w, h);
    }
}
