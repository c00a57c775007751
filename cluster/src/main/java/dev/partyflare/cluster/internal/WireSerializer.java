package dev.partyflare.cluster.internal;

import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/** Pekko's serializer for {@link WireMessage}s (bound in the node's configuration). */
public final class WireSerializer extends SerializerWithStringManifest {
    private static final String DELIVER = "D";
    private static final String REPLY = "R";
    private static final String FRAME = "F";
    private static final String KEEP_ALIVE = "K";
    private static final String PULL = "P";
    private static final String CHUNK = "C";
    private static final String REFERENCE_CALL = "RC";
    private static final String REFERENCE_RELEASE = "RR";

    private final ExtendedActorSystem system;
    private volatile ActorRefResolver resolver;

    public WireSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) {
            r = ActorRefResolver.get(Adapter.toTyped(system));
            resolver = r;
        }
        return r;
    }

    private String refString(ActorRef<?> ref) {
        return ref == null ? null : resolver().toSerializationFormat(ref);
    }

    private <T> ActorRef<T> ref(String s) {
        return s == null ? null : resolver().resolveActorRef(s);
    }

    @Override
    public int identifier() {
        return 0x50_46_43_31; // "PFC1"
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof EntityCommand.Deliver) {
            return DELIVER;
        }
        if (o instanceof EntityCommand.Reply) {
            return REPLY;
        }
        if (o instanceof SocketFrame) {
            return FRAME;
        }
        if (o instanceof EntityCommand.KeepAlive) {
            return KEEP_ALIVE;
        }
        if (o instanceof SocketRelay.Pull) {
            return PULL;
        }
        if (o instanceof SocketRelay.Chunk) {
            return CHUNK;
        }
        if (o instanceof ReferenceRelay.Call) {
            return REFERENCE_CALL;
        }
        if (o instanceof ReferenceRelay.Release) {
            return REFERENCE_RELEASE;
        }
        throw new IllegalArgumentException("Not a partyflare wire message: " + o.getClass());
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof EntityCommand.Deliver d) {
            String ref = resolver().toSerializationFormat(d.replyTo());
            return Codec.write(out -> {
                out.writeByte(d.kind());
                Codec.writeString(out, d.idHex());
                Codec.writeString(out, d.idName());
                Codec.writeString(out, d.jurisdiction());
                Codec.writeString(out, d.locationHint());
                Codec.writeBytes(out, d.payload());
                Codec.writeString(out, ref);
                Codec.writeString(out, d.link());
                Codec.writeString(out, refString(d.relay()));
                Codec.writeString(out, d.transfer());
            });
        }
        if (o instanceof EntityCommand.Reply r) {
            return Codec.write(out -> {
                out.writeBoolean(r.ok());
                Codec.writeBytes(out, r.payload());
                Codec.writeString(out, refString(r.relay()));
                Codec.writeString(out, r.transfer());
                Codec.writeString(out, r.node());
            });
        }
        if (o instanceof ReferenceRelay.Call c) {
            return Codec.write(out -> {
                out.writeLong(c.lease());
                Codec.writeBytes(out, c.payload());
                Codec.writeString(out, refString(c.replyTo()));
                Codec.writeString(out, refString(c.relay()));
                Codec.writeString(out, c.transfer());
            });
        }
        if (o instanceof ReferenceRelay.Release r) {
            return Codec.write(out -> out.writeLong(r.lease()));
        }
        if (o instanceof SocketRelay.Pull p) {
            return Codec.write(out -> {
                Codec.writeString(out, p.id());
                Codec.writeString(out, refString(p.to()));
            });
        }
        if (o instanceof SocketRelay.Chunk c) {
            return Codec.write(out -> {
                Codec.writeString(out, c.id());
                out.writeBoolean(c.last());
                Codec.writeBytes(out, c.bytes());
            });
        }
        if (o instanceof SocketFrame f) {
            return Codec.write(out -> {
                Codec.writeString(out, f.link());
                out.writeLong(f.seq());
                out.writeBoolean(f.toOwner());
                out.writeByte(f.op());
                Codec.writeString(out, f.text());
                Codec.writeBytes(out, f.bytes());
                out.writeInt(f.code());
            });
        }
        if (o instanceof EntityCommand.KeepAlive) {
            return new byte[0];
        }
        throw new IllegalArgumentException("Not a partyflare wire message: " + o.getClass());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        return switch (manifest) {
            case DELIVER ->
                Codec.read(bytes, in -> {
                    byte kind = in.readByte();
                    String hex = Codec.readString(in);
                    String name = Codec.readString(in);
                    String jurisdiction = Codec.readString(in);
                    String hint = Codec.readString(in);
                    byte[] payload = Codec.readBytes(in);
                    ActorRef<EntityCommand.Reply> replyTo = resolver().resolveActorRef(Codec.readString(in));
                    String link = Codec.readString(in);
                    ActorRef<SocketRelay.Command> relay = ref(Codec.readString(in));
                    String transfer = Codec.readString(in);
                    return new EntityCommand.Deliver(
                            kind, hex, name, jurisdiction, hint, payload, replyTo, link, relay, transfer);
                });
            case REPLY ->
                Codec.read(
                        bytes,
                        in -> new EntityCommand.Reply(
                                in.readBoolean(),
                                Codec.readBytes(in),
                                ref(Codec.readString(in)),
                                Codec.readString(in),
                                Codec.readString(in)));
            case REFERENCE_CALL ->
                Codec.read(
                        bytes,
                        in -> new ReferenceRelay.Call(
                                in.readLong(),
                                Codec.readBytes(in),
                                ref(Codec.readString(in)),
                                ref(Codec.readString(in)),
                                Codec.readString(in)));
            case REFERENCE_RELEASE -> Codec.read(bytes, in -> new ReferenceRelay.Release(in.readLong()));
            case PULL -> Codec.read(bytes, in -> new SocketRelay.Pull(Codec.readString(in), ref(Codec.readString(in))));
            case CHUNK ->
                Codec.read(
                        bytes,
                        in -> new SocketRelay.Chunk(Codec.readString(in), in.readBoolean(), Codec.readBytes(in)));
            case FRAME ->
                Codec.read(
                        bytes,
                        in -> new SocketFrame(
                                Codec.readString(in),
                                in.readLong(),
                                in.readBoolean(),
                                in.readByte(),
                                Codec.readString(in),
                                Codec.readBytes(in),
                                in.readInt()));
            case KEEP_ALIVE -> EntityCommand.KeepAlive.INSTANCE;
            default -> throw new NotSerializableException("Unknown partyflare wire manifest " + manifest);
        };
    }
}
