package dev.partyflare.emulator.internal.exec;

import java.util.HashSet;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites a user class so that every backward jump (the back edge of each loop) first calls
 * {@link Preemption#poll()}. Nothing else changes: the call takes and leaves nothing on the
 * operand stack, so stack map frames and max stack stay valid.
 */
public final class PreemptionTransformer {
    private static final String POLL_OWNER = Preemption.class.getName().replace('.', '/');

    private PreemptionTransformer() {}

    /** The instrumented class file, or the original bytes if it cannot be parsed. */
    public static byte[] transform(byte[] classFile) {
        ClassReader reader;
        try {
            reader = new ClassReader(classFile);
        } catch (RuntimeException e) {
            return classFile; // let defineClass report what is wrong with it
        }
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(
                new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public MethodVisitor visitMethod(
                            int access, String name, String descriptor, String signature, String[] exceptions) {
                        return new BackEdgePolls(super.visitMethod(access, name, descriptor, signature, exceptions));
                    }
                },
                0);
        return writer.toByteArray();
    }

    private static final class BackEdgePolls extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();

        BackEdgePolls(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitLabel(Label label) {
            seen.add(label);
            super.visitLabel(label);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            if (seen.contains(label)) {
                poll();
            }
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            if (anySeen(dflt, labels)) {
                poll();
            }
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            if (anySeen(dflt, labels)) {
                poll();
            }
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        private boolean anySeen(Label dflt, Label[] labels) {
            if (seen.contains(dflt)) {
                return true;
            }
            for (Label l : labels) {
                if (seen.contains(l)) {
                    return true;
                }
            }
            return false;
        }

        private void poll() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, POLL_OWNER, "poll", "()V", false);
        }
    }
}
