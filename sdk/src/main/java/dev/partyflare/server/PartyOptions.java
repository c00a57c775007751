package dev.partyflare.server;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Options of a {@link Server} class ({@code static options = {hibernate: true}} in JS). With
 * {@code hibernate = true} connections use the hibernatable WebSocket API: the server may hibernate
 * while they stay connected, and every hook behaves the same. Subclasses inherit the options, as a JS
 * subclass inherits {@code static options}.
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PartyOptions {
    boolean hibernate() default false;
}
