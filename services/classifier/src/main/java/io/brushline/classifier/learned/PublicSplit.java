package io.brushline.classifier.learned;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The fixed train/test split of the public instruction file. Rows are assigned by their source pair:
 * an I2EBench template ({@code ...:ori}) and its paraphrase ({@code ...:div}) always land on the same
 * side, so a test sentence never has its twin in training. One pair in five (by CRC-32 of the pair
 * id) is test.
 */
public final class PublicSplit {

    private PublicSplit() {
    }

    public static boolean isTest(String rowId) {
        CRC32 crc = new CRC32();
        crc.update(pairId(rowId).getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 5 == 0;
    }

    static String pairId(String rowId) {
        return rowId.endsWith(":ori") || rowId.endsWith(":div") ? rowId.substring(0, rowId.length() - 4) : rowId;
    }
}
