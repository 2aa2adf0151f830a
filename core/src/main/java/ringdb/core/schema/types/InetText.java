package ringdb.core.schema.types;

/** Parses and formats IP address literals without java.net (which core may not use). */
final class InetText {
    private InetText() {
    }

    static byte[] parse(String text) {
        if (text.indexOf(':') < 0) {
            return parseV4(text, text);
        }
        return parseV6(text);
    }

    private static byte[] parseV4(String part, String whole) {
        String[] octets = part.split("\\.", -1);
        if (octets.length != 4) {
            throw bad(whole);
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!octets[i].matches("\\d{1,3}") || Integer.parseInt(octets[i]) > 255) {
                throw bad(whole);
            }
            out[i] = (byte) Integer.parseInt(octets[i]);
        }
        return out;
    }

    private static byte[] parseV6(String text) {
        int gap = text.indexOf("::");
        if (gap != text.lastIndexOf("::")) {
            throw bad(text);
        }
        String head = gap < 0 ? text : text.substring(0, gap);
        String tail = gap < 0 ? "" : text.substring(gap + 2);
        int[] headWords = words(head, text);
        int[] tailWords = words(tail, text);
        int total = headWords.length + tailWords.length;
        if (gap < 0 ? total != 8 : total > 7) {
            throw bad(text);
        }
        byte[] out = new byte[16];
        for (int i = 0; i < headWords.length; i++) {
            out[2 * i] = (byte) (headWords[i] >> 8);
            out[2 * i + 1] = (byte) headWords[i];
        }
        for (int i = 0; i < tailWords.length; i++) {
            int at = 8 - tailWords.length + i;
            out[2 * at] = (byte) (tailWords[i] >> 8);
            out[2 * at + 1] = (byte) tailWords[i];
        }
        return out;
    }

    /** 16-bit words of a colon-separated run; a trailing dotted quad counts as two words. */
    private static int[] words(String run, String whole) {
        if (run.isEmpty()) {
            return new int[0];
        }
        String[] parts = run.split(":", -1);
        boolean v4Tail = parts[parts.length - 1].contains(".");
        int[] out = new int[parts.length + (v4Tail ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            if (v4Tail && i == parts.length - 1) {
                byte[] v4 = parseV4(parts[i], whole);
                out[i] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                out[i + 1] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
            } else if (parts[i].matches("[0-9a-fA-F]{1,4}")) {
                out[i] = Integer.parseInt(parts[i], 16);
            } else {
                throw bad(whole);
            }
        }
        return out;
    }

    private static InvalidValueException bad(String text) {
        return new InvalidValueException("'" + text + "' is not an IPv4 or IPv6 address");
    }

    static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "."
                    + (address[3] & 0xFF);
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(words[i]));
        }
        return s.toString();
    }
}
