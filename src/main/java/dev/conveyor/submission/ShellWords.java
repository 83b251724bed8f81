package dev.conveyor.submission;

import java.util.ArrayList;
import java.util.List;

/**
 * The words and simple commands of one command context of a shell text (the whole text, a
 * {@code $( )}, a backquoted command, or an array literal {@code name=( … )}), as
 * {@link ShellLexer} meets them: a word is a span of the text (its quotes and nested substitutions
 * included), a command the words up to {@code ;}, {@code &}, {@code |}, a newline or a parenthesis.
 * A reserved word ({@code if}, {@code then}, {@code !}…) starts the command again, and
 * {@code [[ … ]]} is one command whose {@code &&}, {@code ||}, parentheses and newlines are its own.
 */
final class ShellWords {

    /** Characters {@code [start, end)} of the text are one shell word. */
    record Word(int start, int end) {
        String in(String text) {
            return text.substring(start, end);
        }
    }

    /** The words of one simple command (or of one {@code [[ … ]]}), in order. */
    record Command(List<Word> words) {
    }

    private final String text;
    private final boolean recorded;
    private final List<Word> words = new ArrayList<>();
    private int wordStart = -1;

    /** @param recorded whether its commands are kept (not for array literals, whose words are values) */
    ShellWords(String text, boolean recorded) {
        this.text = text;
        this.recorded = recorded;
    }

    boolean inWord() {
        return wordStart >= 0;
    }

    /** The current word's text up to {@code i} ("" outside a word). */
    String wordBefore(int i) {
        return wordStart < 0 ? "" : text.substring(wordStart, i);
    }

    /** Marks {@code i} as part of a word (starting one if none is open). */
    void touch(int i) {
        if (wordStart < 0) {
            wordStart = i;
        }
    }

    /** Ends the current word, if any, at {@code end}. */
    void endWord(int end) {
        if (wordStart < 0) {
            return;
        }
        Word w = new Word(wordStart, end);
        wordStart = -1;
        if (!recorded) {
            return;
        }
        words.add(w);
        if (words.size() == 1 && ArithmeticContexts.RESERVED.contains(w.in(text))) {
            words.clear(); // `if let …`, `then declare -i …`, `! [[ … ]]`: the command starts after it
        }
    }

    /** Ends the current command, adding it to {@code commands}. */
    void endCommand(List<Command> commands) {
        if (!words.isEmpty()) {
            commands.add(new Command(List.copyOf(words)));
            words.clear();
        }
    }

    /** Whether the words so far are an open {@code [[ … ]]}. */
    boolean inCondition() {
        return !words.isEmpty() && words.get(0).in(text).equals("[[") && !words.get(words.size() - 1).in(text).equals("]]");
    }
}
